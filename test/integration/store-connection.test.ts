// createStore(config, { connection }) uses a connection the caller opened, as clickhouse-js's createClient takes one,
// and never closes it: a pg.Pool or a pg.Client for PostgreSQL, a client or a chDB connection for ClickHouse.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { createStore, prepareStore } from '../../src/stores/index.js';
import { ROOT } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-connection-'));
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The configured URL answers nothing: a store that works must be using the connection it was handed.
const nowhere = loadConfig({ DATABASE_URL: 'postgres://riverline@127.0.0.1:1/nowhere' }, { home: path.join(dir, 'pg'), db: 'postgres' });

describe('a PostgreSQL store on a connection it was handed', () => {
  it('uses a pg.Pool it was given, and leaves it open', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const store = createStore(nowhere, { connection: pool });
      await prepareStore(store);
      expect(await store.presentTables()).toContain('interactions');
      await store.close();
      const [{ n }] = (await pool.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations')).rows;
      expect(Number(n)).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  });

  it('runs a whole ingest on one pg.Client (two batches at once take turns), and leaves it open', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const smallBatches = loadConfig({ DATABASE_URL: 'postgres://riverline@127.0.0.1:1/nowhere', RIVERLINE_BATCH_SIZE: '50' }, { home: path.join(dir, 'pg'), db: 'postgres' });
      const result = await ingest(smallBatches, { file: SAMPLE, store: { connection: client } });
      expect(result).toMatchObject({ target: 'postgres', rows_loaded: 121, batches: 3 });
      const [{ n }] = (await client.query<{ n: string }>('SELECT count(*) AS n FROM interactions')).rows;
      expect(Number(n)).toBe(121);
    } finally {
      await client.end();
    }
  });

  it('refuses a ClickHouse client for a PostgreSQL target', () => {
    const clickhouse = createClient({ url: 'http://127.0.0.1:1' });
    expect(() => createStore(nowhere, { connection: clickhouse })).toThrow(/pg\.Pool or a pg\.Client/);
  });
});

describe('an embedded ClickHouse store on a connection it was handed', () => {
  // chDB holds one data folder per process: both cases use this one; the configured home is never opened.
  const dataPath = path.join(dir, 'handed-clickhouse');
  const config = loadConfig({}, { home: path.join(dir, 'configured'), db: 'chdb' });

  it('uses a chDB connection it was given, and leaves it open', async () => {
    const connection = createChdbConnection({ path: dataPath });
    const client = createClient({ connection } as Parameters<typeof createClient>[0]);
    try {
      const store = createStore(config, { connection });
      await prepareStore(store);
      expect(await store.presentTables()).toContain('interactions');
      await store.close();
      const result = await client.query({ query: 'SELECT count() AS n FROM schema_migrations', format: 'JSONEachRow' });
      expect(Number(((await result.json()) as Array<{ n: string }>)[0].n)).toBeGreaterThan(0);
      expect(fs.existsSync(path.join(dir, 'configured', 'clickhouse')), 'the configured folder is never opened').toBe(false);
    } finally {
      await client.close();
    }
  });

  it('runs a whole ingest on a client it was given, and leaves it open', async () => {
    const client = createClient({ connection: createChdbConnection({ path: dataPath }) } as Parameters<typeof createClient>[0]);
    try {
      const result = await ingest(config, { file: SAMPLE, store: { connection: client } });
      expect(result).toMatchObject({ target: 'chdb', rows_loaded: 121 });
      const rows = await client.query({ query: 'SELECT count() AS n FROM interactions', format: 'JSONEachRow' });
      expect(Number(((await rows.json()) as Array<{ n: string }>)[0].n)).toBe(121);
      expect(fs.existsSync(path.join(dir, 'configured', 'clickhouse')), 'the configured folder is never opened').toBe(false);
    } finally {
      await client.close();
    }
  });
});
