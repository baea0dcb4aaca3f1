// Both targets for one test file: a home folder (embedded ClickHouse) and a PostgreSQL database of its own,
// made before the tests and removed after them, plus a reader of the stored texts of one platform.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';
import { queryEmbedded } from './clickhouse.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export type TargetName = 'chdb' | 'postgres';
export const TARGET_NAMES: TargetName[] = ['chdb', 'postgres'];

export interface BothTargets {
  home: string;
  db(): TestDatabase;
  config(target: TargetName): Config;
  /** external_id -> raw_text of one platform's interactions. */
  storedTexts(target: TargetName, platform: string): Promise<Map<string, string>>;
}

export function useBothTargets(prefix: string): BothTargets {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `riverline-${prefix}-`));
  let db: TestDatabase | null = null;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const database = () => {
    if (!db) throw new Error('the test database is made in beforeAll');
    return db;
  };
  return {
    home,
    db: database,
    config: (target) =>
      target === 'chdb' ? loadConfig({}, { home, db: 'chdb' }) : loadConfig({ DATABASE_URL: database().url }, { home: path.join(home, 'pg'), db: 'postgres' }),
    async storedTexts(target, platform) {
      const rows =
        target === 'postgres'
          ? await database().query<{ external_id: string; raw_text: string }>('SELECT external_id, raw_text FROM interactions WHERE platform_type = $1', [platform])
          : await queryEmbedded<{ external_id: string; raw_text: string }>(
              path.join(home, 'clickhouse'),
              'SELECT external_id, raw_text FROM interactions WHERE platform_type = {platform:String}',
              { platform },
            );
      return new Map(rows.map((row) => [row.external_id, row.raw_text]));
    },
  };
}
