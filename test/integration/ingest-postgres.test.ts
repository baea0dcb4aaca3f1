import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const BROKEN = path.join(ROOT, 'test', 'fixtures', 'broken.csv');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-pg-'));
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(home, { recursive: true, force: true });
});

const pgConfig = () => loadConfig({ DATABASE_URL: db.url }, { home, batchSize: 40, db: 'postgres' });

describe('ingest into PostgreSQL', () => {
  it('loads the sample with the same counts as ClickHouse, then nothing new on a re-run', async () => {
    const first = await ingest(pgConfig(), { file: SAMPLE });
    expect(first).toMatchObject({ target: 'postgres', rows_read: 121, rows_loaded: 121, rows_rejected: 0, rows_already_present: 0 });
    const second = await ingest(pgConfig(), { file: SAMPLE });
    expect(second).toMatchObject({ rows_loaded: 0, rows_already_present: 121 });
    const [{ n }] = await db.query<{ n: string }>('SELECT count(*) AS n FROM interactions');
    expect(Number(n)).toBe(121);
    const runs = await db.query<{ status: string; rows_loaded: string }>('SELECT status, rows_loaded FROM pipeline_runs ORDER BY started_at');
    expect(runs.map((run) => [run.status, Number(run.rows_loaded)])).toEqual([
      ['succeeded', 121],
      ['succeeded', 0],
    ]);
    const [watermark] = await db.query<{ last: Date; rows_total: string }>('SELECT last_interaction_timestamp AS last, rows_total FROM ingestion_watermarks');
    expect(watermark.last.toISOString()).toBe('2017-11-01T15:54:37.000Z');
    expect(Number(watermark.rows_total)).toBe(121);
  });

  it('quarantines broken rows with reasons and keeps counts that add up', async () => {
    const result = await ingest(pgConfig(), { file: BROKEN });
    // Tweets 1, 2 and 8 of the fixture share ids with the sample loaded above; tweet 9 is new.
    expect(result).toMatchObject({ rows_read: 12, rows_loaded: 1, rows_already_present: 3, rows_rejected: 8 });
    const rejected = await db.query<{ reason: string; raw: string }>('SELECT reason, raw FROM rejected_interactions WHERE run_id = $1 ORDER BY reason', [result.run_id]);
    expect(rejected.map((row) => row.reason)).toEqual(['duplicate_id', 'empty_text', 'invalid_inbound', 'malformed_row', 'malformed_row', 'missing_author', 'missing_id', 'unparseable_timestamp']);
    expect(rejected.filter((row) => row.reason === 'malformed_row').map((row) => row.raw).join('')).toContain('too,many,columns,here');
  });

  it('stores exactly the rows embedded ClickHouse stores', async () => {
    const chConfig = loadConfig({}, { home, batchSize: 40, db: 'chdb' });
    await ingest(chConfig, { file: SAMPLE });
    await ingest(chConfig, { file: BROKEN });
    const fromClickHouse = await queryEmbedded<Record<string, unknown>>(
      path.join(home, 'clickhouse'),
      `SELECT replaceAll(toString(interaction_id), '-', '') AS id, external_id, participant_external_id, content_text, raw_text,
        formatDateTime(interaction_timestamp, '%Y-%m-%dT%H:%i:%S') AS ts, parent_external_id, inbound, interaction_type,
        content_metadata, platform_metadata FROM interactions ORDER BY external_id`,
    );
    const fromPostgres = await db.query(
      `SELECT replace(interaction_id::text, '-', '') AS id, external_id, participant_external_id, content_text, raw_text,
        to_char(interaction_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS ts, parent_external_id, inbound, interaction_type,
        content_metadata::text AS content_metadata, platform_metadata::text AS platform_metadata FROM interactions ORDER BY external_id COLLATE "C"`,
    );
    expect(fromPostgres).toHaveLength(122);
    expect(fromPostgres).toEqual(fromClickHouse);
  });
});
