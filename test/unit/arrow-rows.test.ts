// serve indexes its rows by customer id, read from the Arrow columns ClickHouse answers with: an all-ASCII column is
// decoded in one call and cut into its values, any other one value by value. Both must give what each row holds.
import { describe, expect, it } from 'vitest';
import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import { arrowRowSet } from '../../src/stores/arrow-rows.js';
import type { Column } from '../../src/model/schema.js';

const COLUMNS: Column[] = [
  { name: 'customer_id', type: 'text' },
  { name: 'topic', type: 'text' },
] as Column[];

/** A table of several record batches, as a ClickHouse answer read in parts. */
function batches(...parts: Array<{ customer_id: string[]; topic: string[] }>): Table {
  const column = (name: 'customer_id' | 'topic') =>
    parts.map((part) => vectorFromArray(part[name], new Utf8())).reduce((all, vector) => all.concat(vector));
  return new Table({ customer_id: column('customer_id'), topic: column('topic') });
}

describe('the customer ids of Arrow rows', () => {
  it('are every row customer_id in row order across batches, with ASCII ids and with ids that are not', () => {
    const table = batches(
      { customer_id: ['115712', '115713', '', 'sprintcare'], topic: ['billing', 'delivery', 'other', 'account'] },
      { customer_id: ['Zoë', '日本', '115712'], topic: ['refund', 'other', 'billing'] },
      { customer_id: ['a\u0000b', '9'], topic: ['other', 'other'] },
    );
    expect(table.batches.length).toBe(3);
    const rows = arrowRowSet<{ customer_id: string; topic: string }>(table, COLUMNS, { jsonAsText: true });
    const ids = rows.customerIds();
    expect(ids).toEqual(['115712', '115713', '', 'sprintcare', 'Zoë', '日本', '115712', 'a\u0000b', '9']);
    expect(ids).toEqual(Array.from({ length: rows.length }, (_, i) => rows.row(i).customer_id));
  });
});
