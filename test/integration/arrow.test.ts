// Arrow IPC: the writer in src/files/arrow.ts read back by apache-arrow and by ClickHouse's own Arrow reader (chDB).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { tableFromIPC } from 'apache-arrow';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import { predict, PREDICTION_COLUMNS } from '../../src/decisions/predict.js';
import { arrowStreamBytes, writeArrowFile, type ArrowColumn } from '../../src/files/arrow.js';
import { readCsv } from '../../src/files/csv.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { arrowInsert } from '../../src/stores/clickhouse.js';
import { describeTable } from '../../src/stores/clickhouse.sql.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-arrow-'));
const home = path.join(dir, 'home');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An Arrow cell as the CSV file reads back: times as ISO 8601 UTC text, numbers as text; CSV keeps no '' apart from null. */
function asCsvText(value: unknown, type: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (type.startsWith('Timestamp')) return new Date(Number(value)).toISOString();
  return String(value);
}

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

describe('predict --format arrow', () => {
  beforeAll(async () => {
    const config = loadConfig({}, { home, db: 'chdb' });
    await ingest(config, { file: path.join(ROOT, 'examples', 'twcs_sample.csv') });
    await ingest(config, { file: path.join(ROOT, 'test', 'fixtures', 'threads.csv') });
    await processConversations(config, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
  });

  it('writes an Arrow IPC file with the rows of the CSV, times as Timestamp(ms, UTC), that ClickHouse reads too', async () => {
    const csv = path.join(dir, 'out', 'nba_predictions.csv');
    await predict(loadConfig({}, { home, db: 'chdb' }), { out: csv, format: 'csv', llm: 'off' });
    const arrow = path.join(dir, 'out', 'nba_predictions.arrow');
    const result = await runCli(['predict', '--home', home, '--format', 'arrow', '--out', arrow, '--llm', 'off', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ predictions: 36, format: 'arrow', out: arrow });

    const table = tableFromIPC(fs.readFileSync(arrow));
    expect(table.schema.fields.map((field) => field.name)).toEqual(PREDICTION_COLUMNS);
    const types = Object.fromEntries(table.schema.fields.map((field) => [field.name, String(field.type)]));
    expect(types).toMatchObject({ customer_id: 'Utf8', send_time: 'Timestamp<MILLISECOND, UTC>', as_of: 'Timestamp<MILLISECOND, UTC>', sentiment: 'Float64', receipt: 'Utf8' });
    // Two runs, two run_ids; everything else is the same decision on the same data, row for row.
    const withoutRun = (row: Record<string, string | null>) => ({ ...row, run_id: undefined });
    const fromArrow = table.toArray().map((row) => Object.fromEntries(PREDICTION_COLUMNS.map((name) => [name, asCsvText(row[name], types[name])])));
    // DuckDB's CSV writes 0.0 where a number reads 0: numbers are compared as numbers.
    const fromCsv = (await readCsv(csv)).map((row) => ({ ...row, sentiment: row.sentiment === null ? null : String(Number(row.sentiment)) }));
    expect(fromArrow).toHaveLength(36);
    expect(fromArrow.map(withoutRun)).toEqual(fromCsv.map(withoutRun));
    expect(new Set(fromArrow.map((row) => row.run_id)).size).toBe(1);

    // DuckDB has no Arrow reader offline (read_arrow is an extension it would download); ClickHouse's reader is built in.
    const [read] = await queryEmbedded<{ n: number; send: string; as_of: string }>(
      path.join(dir, 'reader'),
      "SELECT count() AS n, any(toTypeName(send_time)) AS send, any(toString(as_of)) AS as_of FROM file({file:String}, 'Arrow')",
      { file: arrow },
    );
    expect(read).toEqual({ n: 36, send: "Nullable(DateTime64(3, 'UTC'))", as_of: '2017-11-01 15:54:37.000' });
  });
});

describe('ArrowStream inserts into ClickHouse', () => {
  it('land the same rows as JSONEachRow: text, numbers, booleans, nulls, arrays, times and defaults', async () => {
    const client = createClient({ connection: createChdbConnection({ path: path.join(dir, 'chdb-insert') }) } as Parameters<typeof createClient>[0]);
    try {
      const shape = `(ts_ms Float64, action String, resolved Bool, brand Nullable(String), topic LowCardinality(String), score Int32,
        big Int64, flag Nullable(Bool), words Array(String), at DateTime64(3, 'UTC'), maybe_at Nullable(DateTime64(3, 'UTC')), kept String DEFAULT 'default')`;
      for (const table of ['by_json', 'by_arrow']) await client.command({ query: `CREATE TABLE ${table} ${shape} ENGINE = Memory` });
      // Rows as train and process hand them over: JSON values, ClickHouse time text, arrays of words.
      const rows = Array.from({ length: 500 }, (_, i) => ({
        ts_ms: 1_509_490_000_000 + i * 1.5,
        action: i % 3 === 0 ? 'twitter_dm_reply' : 'email_reply',
        resolved: i % 2 === 0,
        brand: i % 7 === 0 ? null : `brand "${i}" é\n😀`,
        topic: ['billing', 'travel', ''][i % 3],
        score: -i,
        big: String(2 ** 40 + i),
        flag: i % 5 === 0 ? null : i % 2 === 1,
        words: i % 4 === 0 ? [] : ['late', `w${i}`, 'd\'or'],
        at: `2017-10-31 22:10:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}`,
        maybe_at: i % 6 === 0 ? null : new Date(Date.UTC(2017, 10, 1, 0, 0, 0, i)).toISOString(),
      }));
      await client.insert({ table: 'by_json', values: rows, format: 'JSONEachRow' });
      // The bytes insertRows sends a server, read through ClickHouse's own ArrowStream input (chDB reads the file).
      const described = (await (await client.query({ query: describeTable('by_arrow'), query_params: { table: 'by_arrow' }, format: 'JSONEachRow' })).json()) as Array<{ name: string; type: string }>;
      const { columns, bytes } = await arrowInsert(described, rows);
      expect(columns).not.toContain('kept');
      const file = path.join(dir, 'insert.arrows');
      fs.writeFileSync(file, bytes);
      await client.command({ query: `INSERT INTO by_arrow (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM file({file:String}, 'ArrowStream')`, query_params: { file } });
      const read = async (table: string) => (await (await client.query({ query: `SELECT * FROM ${table} ORDER BY ts_ms`, format: 'JSONEachRow' })).json()) as Array<Record<string, unknown>>;
      const [byJson, byArrow] = [await read('by_json'), await read('by_arrow')];
      expect(byArrow).toHaveLength(500);
      expect(byArrow).toEqual(byJson);
      expect(byArrow[0]).toMatchObject({ kept: 'default', words: [], brand: null, flag: null, maybe_at: null });
    } finally {
      await client.close();
    }
  });
});
