import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { CLICKHOUSE_MIGRATIONS } from '../../src/stores/migrations/clickhouse.sql.js';
import { RELEASE_MEMORY } from '../../src/stores/clickhouse.sql.js';
import { commandEmbedded, queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT } from '../helpers/cli.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const BROKEN = path.join(ROOT, 'test', 'fixtures', 'broken.csv');
const homes: string[] = [];
afterAll(() => homes.forEach((home) => fs.rmSync(home, { recursive: true, force: true })));

function freshConfig(batchSize = 40) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-ch-'));
  homes.push(home);
  return loadConfig({}, { home, batchSize, db: 'chdb' });
}

const dataPath = (config: ReturnType<typeof freshConfig>) => path.join(config.home, 'clickhouse');

describe('ingest into embedded ClickHouse', () => {
  it('loads the 121 sample tweets, then loads nothing new on a re-run', async () => {
    const config = freshConfig();
    const first = await ingest(config, { file: SAMPLE });
    expect(first).toMatchObject({ target: 'chdb', rows_read: 121, rows_loaded: 121, rows_rejected: 0, rows_already_present: 0, batches: 4 });
    const second = await ingest(config, { file: SAMPLE });
    expect(second).toMatchObject({ rows_read: 121, rows_loaded: 0, rows_already_present: 121 });

    const [{ n, ids }] = await queryEmbedded<{ n: string; ids: string }>(dataPath(config), 'SELECT count() AS n, uniqExact(external_id) AS ids FROM interactions');
    expect(Number(n)).toBe(121);
    expect(Number(ids)).toBe(121);
    const runs = await queryEmbedded<{ run_id: string; status: string; rows_loaded: string }>(dataPath(config), 'SELECT run_id, status, rows_loaded FROM pipeline_runs FINAL ORDER BY started_at');
    expect(runs.map((run) => [run.run_id, run.status, Number(run.rows_loaded)])).toEqual([
      [first.run_id, 'succeeded', 121],
      [second.run_id, 'succeeded', 0],
    ]);
    const [watermark] = await queryEmbedded<{ last: string; rows_total: string }>(dataPath(config), "SELECT toString(last_interaction_timestamp) AS last, rows_total FROM ingestion_watermarks FINAL WHERE pipeline = 'ingest'");
    expect({ ...watermark, rows_total: Number(watermark.rows_total) }).toEqual({ last: '2017-11-01 15:54:37.000', rows_total: 121 });
    const versions = await queryEmbedded<{ version: number }>(dataPath(config), 'SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((row) => Number(row.version))).toEqual(CLICKHOUSE_MIGRATIONS.map((migration) => migration.version));
  });

  it('quarantines broken rows in rejected_interactions with their reason and the run id', async () => {
    const config = freshConfig();
    const result = await ingest(config, { file: BROKEN });
    expect(result).toMatchObject({ rows_read: 12, rows_loaded: 4, rows_rejected: 8 });
    expect(result.rows_read).toBe(result.rows_loaded + result.rows_rejected + result.rows_already_present);
    const rejected = await queryEmbedded<{ reason: string; n: string }>(dataPath(config), 'SELECT reason, count() AS n FROM rejected_interactions WHERE run_id = {run:String} GROUP BY reason ORDER BY reason', { run: result.run_id });
    expect(Object.fromEntries(rejected.map((row) => [row.reason, Number(row.n)]))).toEqual({
      duplicate_id: 1,
      empty_text: 1,
      invalid_inbound: 1,
      malformed_row: 2,
      missing_author: 1,
      missing_id: 1,
      unparseable_timestamp: 1,
    });
  });

  it('adds only the new rows when a later file overlaps an earlier one', async () => {
    const config = freshConfig();
    await ingest(config, { file: BROKEN });
    const result = await ingest(config, { file: SAMPLE });
    // The sample shares tweet ids 1, 2 and 8 with the broken fixture.
    expect(result).toMatchObject({ rows_loaded: 118, rows_already_present: 3 });
  });

  it('never loads an id twice, even when the later copy is newer than everything loaded', async () => {
    const config = freshConfig();
    await ingest(config, { file: SAMPLE });
    const later = path.join(config.home, 'later.csv');
    fs.writeFileSync(later, 'tweet_id,author_id,inbound,created_at,text\n1,someone,True,Fri Dec 01 10:00:00 +0000 2017,a newer tweet reusing id 1\n999999,someone,True,Fri Dec 01 10:00:00 +0000 2017,a new tweet\n');
    expect(await ingest(config, { file: later })).toMatchObject({ rows_loaded: 1, rows_already_present: 1 });
    const [{ n }] = await queryEmbedded<{ n: string }>(dataPath(config), "SELECT count() AS n FROM interactions WHERE external_id = '1'");
    expect(Number(n)).toBe(1);
  });

  it('loads the same rows through the server path (NDJSON streams into a load table) as through Parquet files', async () => {
    const parquet = freshConfig();
    const stream = freshConfig();
    await ingest(parquet, { file: SAMPLE });
    const streamed = await ingest(stream, { file: SAMPLE, store: { clickhouse: { loadMethod: 'json-stream' } } });
    expect(streamed.rows_loaded).toBe(121);
    const again = await ingest(stream, { file: BROKEN, store: { clickhouse: { loadMethod: 'json-stream' } } });
    expect(again).toMatchObject({ rows_loaded: 1, rows_already_present: 3, rows_rejected: 8 });
    await ingest(parquet, { file: BROKEN });
    const select = `SELECT interaction_id, external_id, participant_external_id, content_text, raw_text, toString(interaction_timestamp) AS ts,
      parent_external_id, inbound, interaction_type, content_metadata, platform_metadata FROM interactions ORDER BY external_id`;
    expect(await queryEmbedded(dataPath(stream), select)).toEqual(await queryEmbedded(dataPath(parquet), select));
    const tables = await queryEmbedded<{ name: string }>(dataPath(stream), "SELECT name FROM system.tables WHERE name LIKE 'interactions_load_%'");
    expect(tables).toEqual([]);
  });

  it('hands freed memory back with a statement the embedded engine accepts (the store ignores its failure, so a test must not)', async () => {
    const config = freshConfig();
    await ingest(config, { file: SAMPLE });
    // A chDB built without jemalloc would answer with an error here, and every heavy statement would keep its peak.
    await expect(commandEmbedded(dataPath(config), RELEASE_MEMORY)).resolves.toBeUndefined();
  });
});
