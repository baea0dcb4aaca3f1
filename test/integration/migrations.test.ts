// Migrations are history: a database made by an older Riverline (migrations 1..k only, with rows in it) upgrades
// to the current schema and keeps its rows, on PostgreSQL and on embedded ClickHouse; a fresh database has every
// column the schema module declares, so a column added there without a migration fails here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { MODELS, NBA_PREDICTIONS, NBA_REVIEWS, OUTPUT_TABLES } from '../../src/model/schema.js';
import { createStore, prepareStore, type Store } from '../../src/stores/index.js';
import { CLICKHOUSE_MIGRATIONS } from '../../src/stores/migrations/clickhouse.sql.js';
import type { Migration } from '../../src/stores/migrations/migration.js';
import { POSTGRES_MIGRATIONS } from '../../src/stores/migrations/postgres.sql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-migrations-'));
const home = path.join(dir, 'home');
const RUN_ID = '0b5e2b56-3f5d-4d1e-9a8e-2f7c1d9e4a10';
const LATEST = Math.max(...POSTGRES_MIGRATIONS.map((migration) => migration.version));
const OLDER_VERSIONS = [1, 2, 3];

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const upTo = (migrations: readonly Migration[], version: number) => migrations.filter((migration) => migration.version <= version);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The same prediction row on both stores, as predict wrote it before nba_predictions had created_at. */
const PREDICTION = {
  customer_id: 'c1',
  chat_log: 'Customer: my phone is broken',
  channel: 'twitter_dm_reply',
  message: 'Sorry to hear that',
  send_time: null,
  reasoning: 'Rule dm fired',
  issue_status: 'awaiting_customer',
  conversation_id: 'conv-1',
  brand: 'AcmeHelp',
  rule_id: 'dm',
  llm_status: 'off',
  topic: 'other',
  sentiment: -0.25,
  fired: { is_urgent: true },
  run_id: RUN_ID,
  as_of: new Date('2017-11-01T15:54:37.000Z'),
};

/** What a database holds after an upgrade: the versions the current code applied, and that the old rows survived. */
async function expectUpgraded(store: Store, older: number, applied: number[]): Promise<void> {
  expect(applied, `upgrading from version ${older}`).toEqual(range(older + 1, LATEST));
  expect(await store.migrate(), 'a second migrate has nothing left to do').toEqual([]);
  expect((await store.interactionStats('twitter')).count, 'the interaction loaded by the older version').toBe(1);
  // Receipts came with version 6: a prediction made before has an empty one.
  if (older >= 3) expect(await store.latestPredictions(), 'the prediction stored before created_at existed').toEqual([{ ...PREDICTION, receipt: {} }]);
  // nba_reviews came with version 4.
  const review = { conversation_id: 'conv-1', decision: 'approved' as const, channel: 'twitter_dm_reply', message: 'Sorry to hear that', reason: '' };
  await store.saveReview({ ...review, review_id: `r-${older}`, run_id: RUN_ID, customer_id: 'c1', reviewer: 'lead', reviewed_at: new Date() });
  expect(await store.latestReviews(RUN_ID)).toEqual([review]);
}

describe('PostgreSQL migrations', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  /** A database as Riverline at schema version `version` left it: its migrations applied and recorded, and a few rows. */
  async function olderDatabase(version: number): Promise<TestDatabase> {
    const db = await createTestDatabase();
    databases.push(db);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const migration of upTo(POSTGRES_MIGRATIONS, version)) {
        for (const statement of migration.statements) await client.query(statement);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      }
      await client.query(
        `INSERT INTO interactions (interaction_id, external_id, platform_type, participant_external_id, content_text, raw_text, interaction_timestamp,
           parent_external_id, inbound, interaction_type, content_metadata, platform_metadata, run_id)
         VALUES ('6f1c2a4e-8b1d-4c9a-9e0f-1a2b3c4d5e6f', '1', 'twitter', 'c1', 'my phone is broken', 'my phone is broken', '2017-10-31T22:10:47Z',
           NULL, true, 'message', '{}', '{}', $1)`,
        [RUN_ID],
      );
      if (version >= 3) {
        const columns = Object.keys(PREDICTION);
        await client.query(
          `INSERT INTO nba_predictions (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          columns.map((column) => (column === 'fired' ? JSON.stringify(PREDICTION.fired) : PREDICTION[column as keyof typeof PREDICTION])),
        );
      }
    } finally {
      await client.end();
    }
    return db;
  }

  for (const older of OLDER_VERSIONS) {
    it(`upgrades a database made at version ${older} and keeps its rows`, async () => {
      const db = await olderDatabase(older);
      const store = createStore(loadConfig({ DATABASE_URL: db.url }, { home, db: 'postgres' }));
      try {
        expect((await store.ping()).success).toBe(true);
        await expectUpgraded(store, older, await store.migrate());
      } finally {
        await store.close();
      }
      const [predictions] = await db.query<{ created_at: Date | null }>('SELECT created_at FROM nba_predictions');
      if (older >= 3) expect(predictions.created_at, 'the old row gets a created_at').toBeInstanceOf(Date);
    });
  }

  it('makes every column the schema module declares in a fresh database', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const store = createStore(loadConfig({ DATABASE_URL: db.url }, { home, db: 'postgres' }));
    try {
      await prepareStore(store);
    } finally {
      await store.close();
    }
    for (const table of [...OUTPUT_TABLES, NBA_PREDICTIONS, NBA_REVIEWS, MODELS]) {
      const rows = await db.query<{ name: string }>(
        'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
        [table.name],
      );
      const expected = table.columns.map((column) => column.name).concat(table === NBA_PREDICTIONS ? ['created_at'] : []);
      // A migration appends its columns, so the order on disk is history's, not the schema module's.
      expect(rows.map((row) => row.name).sort(), `${table.name}: a column in the schema module needs a migration`).toEqual(expected.sort());
    }
  });
});

describe('embedded ClickHouse migrations', () => {
  // chDB holds one data folder per process: every case here uses the same one, emptied in between.
  const config = loadConfig({}, { home, db: 'chdb' });
  const dataPath = path.join(home, 'clickhouse');
  let client: ClickHouseClient;
  beforeAll(() => {
    fs.mkdirSync(dataPath, { recursive: true });
  });

  const open = () => createClient({ connection: createChdbConnection({ path: dataPath }) } as Parameters<typeof createClient>[0]);

  async function emptyFolder(): Promise<void> {
    const result = await client.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase()', format: 'JSONEachRow' });
    for (const { name } of (await result.json()) as Array<{ name: string }>) {
      if (!/^[a-z_0-9]+$/.test(name)) throw new Error(`unexpected table ${name}`);
      await client.command({ query: `DROP TABLE ${name} SYNC` });
    }
  }

  /** The folder as Riverline at schema version `version` left it: its migrations applied and recorded, and a few rows. */
  async function olderFolder(version: number): Promise<void> {
    client = open();
    try {
      await emptyFolder();
      await client.command({
        query: `CREATE TABLE schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version`,
      });
      for (const migration of upTo(CLICKHOUSE_MIGRATIONS, version)) {
        for (const statement of migration.statements) await client.command({ query: statement });
        await client.insert({ table: 'schema_migrations', values: [{ version: migration.version, name: migration.name }], format: 'JSONEachRow' });
      }
      const interaction = {
        interaction_id: '6f1c2a4e-8b1d-4c9a-9e0f-1a2b3c4d5e6f', external_id: '1', platform_type: 'twitter', participant_external_id: 'c1',
        content_text: 'my phone is broken', raw_text: 'my phone is broken', interaction_timestamp: '2017-10-31 22:10:47.000', parent_external_id: null,
        inbound: true, interaction_type: 'message', content_metadata: '{}', platform_metadata: '{}', run_id: RUN_ID,
      };
      await client.insert({ table: 'interactions', values: [interaction], format: 'JSONEachRow' });
      if (version >= 3) {
        const row = { ...PREDICTION, fired: JSON.stringify(PREDICTION.fired), as_of: '2017-11-01 15:54:37.000' };
        await client.insert({ table: 'nba_predictions', values: [row], format: 'JSONEachRow' });
      }
    } finally {
      await client.close();
    }
  }

  for (const older of OLDER_VERSIONS) {
    it(`upgrades a folder made at version ${older} and keeps its rows`, async () => {
      await olderFolder(older);
      const store = createStore(config);
      try {
        expect((await store.ping()).success).toBe(true);
        await expectUpgraded(store, older, await store.migrate());
      } finally {
        await store.close();
      }
    });
  }

  it('makes every column the schema module declares in a fresh folder', async () => {
    client = open();
    try {
      await emptyFolder();
    } finally {
      await client.close();
    }
    const store = createStore(config);
    try {
      await prepareStore(store);
    } finally {
      await store.close();
    }
    client = open();
    try {
      for (const table of [...OUTPUT_TABLES, NBA_PREDICTIONS, NBA_REVIEWS, MODELS]) {
        const result = await client.query({
          query: 'SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {table:String} ORDER BY position',
          query_params: { table: table.name },
          format: 'JSONEachRow',
        });
        const names = ((await result.json()) as Array<{ name: string }>).map((row) => row.name);
        const expected = table.columns.map((column) => column.name).concat(table === NBA_PREDICTIONS ? ['created_at'] : []);
        // A migration appends its columns, so the order on disk is history's, not the schema module's.
        expect([...names].sort(), `${table.name}: a column in the schema module needs a migration`).toEqual(expected.sort());
      }
    } finally {
      await client.close();
    }
  });
});
