// serve finds a customer's rows in the Arrow columns ClickHouse answers with: rows sorted by customer id (in byte order,
// as serve's queries ask) are searched in place; rows in any other order are indexed by their decoded ids. Both must
// find every row a customer has, in row order, across record batches, with ASCII ids and with ids that are not.
import { describe, expect, it } from 'vitest';
import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import { arrowRowSet } from '../../src/stores/arrow-rows.js';
import type { Column } from '../../src/model/schema.js';

const COLUMNS: Column[] = [
  { name: 'customer_id', type: 'text' },
  { name: 'topic', type: 'text' },
] as Column[];

/** A table of several record batches (an empty one too), as serve joins the parts of a ClickHouse answer. */
function batches(...parts: Array<{ customer_id: Array<string | null>; topic: string[] }>): Table {
  const part = ({ customer_id, topic }: (typeof parts)[number]) =>
    new Table({ customer_id: vectorFromArray(customer_id, new Utf8()), topic: vectorFromArray(topic, new Utf8()) });
  return new Table(parts.flatMap((rows) => part(rows).batches));
}

type Row = { customer_id: string; topic: string };

/** What a Map of every row's customer id gives: the reference the Arrow rows must match. */
function expected(ids: string[]): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  ids.forEach((id, index) => rows.set(id, [...(rows.get(id) ?? []), index]));
  return rows;
}

function checkAgainstMap(table: Table, ids: string[], searchedInPlace: boolean) {
  const rows = arrowRowSet<Row>(table, COLUMNS, { jsonAsText: true });
  expect(rows.searchedInPlace).toBe(searchedInPlace);
  expect(rows.length).toBe(ids.length);
  const reference = expected(ids);
  expect(rows.customers).toBe(reference.size);
  for (const [id, indexes] of reference) {
    expect(rows.rowsOf(id), id).toEqual(indexes);
    for (const index of indexes) expect(rows.row(index).customer_id).toBe(id);
  }
  for (const stranger of ['', '0', '11571', '1157120', 'zz', 'Zoe', '日', '\uffff']) {
    if (!reference.has(stranger)) expect(rows.rowsOf(stranger), stranger).toEqual([]);
  }
  return rows;
}

describe("the customers of Arrow rows", () => {
  it('are found by binary search when the rows are sorted in byte order, a customer several rows across batches', () => {
    // Byte order: '' < '115712' < '115713' < '9' < 'Zoë' < 'a\0b' < 'sprintcare' < '日本' (UTF-8 bytes, as ClickHouse sorts String).
    const ids = ['', '115712', '115712', '115713', '9', '9', 'Zoë', 'a\u0000b', 'sprintcare', 'sprintcare', '日本'];
    const table = batches(
      { customer_id: ids.slice(0, 2), topic: ['other', 'billing'] },
      { customer_id: ids.slice(2, 5), topic: ['delivery', 'account', 'other'] },
      { customer_id: [], topic: [] },
      { customer_id: ids.slice(5), topic: ['refund', 'other', 'billing', 'other', 'account', 'other'] },
    );
    expect(table.batches.map((batch) => batch.numRows)).toEqual([2, 3, 0, 6]);
    const rows = checkAgainstMap(table, ids, true);
    expect(rows.rowsOf('115712').map((index) => rows.row(index).topic)).toEqual(['billing', 'delivery']);
    expect(rows.rowsOf('9')).toEqual([4, 5]);
  });

  it('are indexed by their ids when the rows are not sorted, or a customer id is null', () => {
    const ids = ['115712', '115713', '', 'sprintcare', 'Zoë', '日本', '115712', 'a\u0000b', '9'];
    checkAgainstMap(
      batches(
        { customer_id: ids.slice(0, 4), topic: ['billing', 'delivery', 'other', 'account'] },
        { customer_id: ids.slice(4, 7), topic: ['refund', 'other', 'billing'] },
        { customer_id: ids.slice(7), topic: ['other', 'other'] },
      ),
      ids,
      false,
    );
    const withNull = arrowRowSet<Row>(batches({ customer_id: ['a', null, 'b'], topic: ['x', 'y', 'z'] }), COLUMNS, { jsonAsText: true });
    expect(withNull.searchedInPlace).toBe(false);
    expect(withNull.rowsOf('b')).toEqual([2]);
    expect(withNull.rowsOf('a')).toEqual([0]);
  });

  it('sorted or not, a table of 20,000 rows answers each customer as a Map of its ids does', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => String(100000 + Math.floor(i / 3) * 7));
    const sorted = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const topics = ids.map(() => 'other');
    const split = (list: string[]) => batches({ customer_id: list.slice(0, 7_000), topic: topics.slice(0, 7_000) }, { customer_id: list.slice(7_000), topic: topics.slice(7_000) });
    checkAgainstMap(split(sorted), sorted, true);
    const shuffled = [...ids].reverse();
    checkAgainstMap(split(shuffled), shuffled, false);
  });
});
