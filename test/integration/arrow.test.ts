// Arrow IPC: the writer in src/files/arrow.ts read back by apache-arrow and by ClickHouse's own Arrow reader (chDB).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { arrowStreamBytes, writeArrowFile, type ArrowColumn } from '../../src/files/arrow.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-arrow-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const COLUMNS: ArrowColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'score', type: 'float' },
  { name: 'rank', type: 'integer' },
  { name: 'big', type: 'bigint' },
  { name: 'ok', type: 'boolean' },
  { name: 'at', type: 'timestamp' },
  { name: 'words', type: 'text_list' },
];

describe('the Arrow writer', () => {
  it('writes a file that reads back with the same values, nulls, text and UTC times, across batches', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => [
      i === 3 ? null : `id-${i} é 😀\n"quoted", comma`,
      i === 4 ? null : i / 4,
      i,
      BigInt(i) * 10_000_000_000n,
      i % 2 === 0,
      i === 5 ? null : new Date(Date.UTC(2017, 9, 31, 22, 10, 47, i)),
      i === 6 ? null : ['a', `w${i}`],
    ]);
    const file = path.join(dir, 'rows.arrow');
    // Chunks of 3 rows into batches of 4: the writer regroups them.
    expect(await writeArrowFile(file, COLUMNS, [rows.slice(0, 3), rows.slice(3, 9), rows.slice(9)], { batchRows: 4 })).toBe(10);
    const table = tableFromIPC(fs.readFileSync(file));
    expect(table.batches).toHaveLength(3);
    expect(table.schema.fields.map((field) => `${field.name}:${field.type}`)).toEqual([
      'id:Utf8',
      'score:Float64',
      'rank:Int32',
      'big:Int64',
      'ok:Bool',
      'at:Timestamp<MILLISECOND, UTC>',
      'words:List<Utf8>',
    ]);
    const back = table.toArray().map((row) => row.toJSON());
    expect(back[0]).toMatchObject({ id: 'id-0 é 😀\n"quoted", comma', score: 0, rank: 0, big: 0n, ok: true, at: Date.UTC(2017, 9, 31, 22, 10, 47, 0) });
    expect([back[3].id, back[4].score, back[5].at, back[6].words]).toEqual([null, null, null, null]);
    expect([...back[7].words]).toEqual(['a', 'w7']);
    expect(back[9].big).toBe(90_000_000_000n);
  });

  it('writes a valid file and stream with no rows: the schema and no batches', async () => {
    const file = path.join(dir, 'empty.arrow');
    expect(await writeArrowFile(file, COLUMNS, [])).toBe(0);
    const table = tableFromIPC(fs.readFileSync(file));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((field) => field.name)).toEqual(COLUMNS.map((column) => column.name));
    expect(tableFromIPC(await arrowStreamBytes(COLUMNS, [])).numRows).toBe(0);
  });
});
