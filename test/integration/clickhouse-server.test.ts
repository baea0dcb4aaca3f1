// The ClickHouse server path over HTTP; vitest.config.ts includes this file only when CLICKHOUSE_URL is set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { ROOT } from '../helpers/cli.js';

const url = process.env.CLICKHOUSE_URL as string;
const database = `riverline_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const admin = createClient({ url, username: process.env.CLICKHOUSE_USER ?? 'default', password: process.env.CLICKHOUSE_PASSWORD ?? '' });
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-chserver-'));

beforeAll(async () => {
  await admin.command({ query: `CREATE DATABASE ${database}` });
});
afterAll(async () => {
  await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await admin.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('ingest into a ClickHouse server', () => {
  it('loads the sample over HTTP, then nothing new on a re-run, and quarantines broken rows', async () => {
    const config = loadConfig({ ...process.env, CLICKHOUSE_DATABASE: database }, { home, batchSize: 40, db: 'clickhouse' });
    expect(config.target).toMatchObject({ mode: 'server' });
    expect(await ingest(config, { file: path.join(ROOT, 'examples', 'twcs_sample.csv') })).toMatchObject({ target: 'clickhouse', rows_loaded: 121 });
    expect(await ingest(config, { file: path.join(ROOT, 'examples', 'twcs_sample.csv') })).toMatchObject({ rows_loaded: 0, rows_already_present: 121 });
    const broken = await ingest(config, { file: path.join(ROOT, 'test', 'fixtures', 'broken.csv') });
    expect(broken).toMatchObject({ rows_loaded: 1, rows_rejected: 8 });
    const result = await admin.query({ query: `SELECT count() AS n FROM ${database}.rejected_interactions`, format: 'JSONEachRow' });
    expect(Number(((await result.json()) as Array<{ n: string }>)[0].n)).toBe(8);
  });
});
