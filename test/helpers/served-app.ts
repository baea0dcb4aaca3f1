// The API over a store holding real sample data, shared by the API test files: files ingested into a fresh embedded
// ClickHouse store, processed as of the sample's last moment, and an app built with the key 'good-key' and no rate limit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import { defaultRulesPath } from '../../src/decisions/rules-file.js';
import { loadRuleSet, type RuleSet } from '../../src/decisions/rules.schema.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { createStore, prepareStore, type Store } from '../../src/stores/index.js';

export interface ServedSample {
  dir: string;
  config: Config;
  rules: RuleSet;
  /** Set before the file's tests run. */
  store: Store;
  app: FastifyInstance;
}

/** Registers the file's beforeAll (ingest `files`, process, build the app) and afterAll (close, remove the folder). */
export function serveSample(name: string, files: readonly string[]): ServedSample {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `riverline-${name}-`));
  const served = { dir, config: loadConfig({}, { home: path.join(dir, 'home'), db: 'chdb' }), rules: loadRuleSet(defaultRulesPath()) } as ServedSample;
  beforeAll(async () => {
    for (const file of files) await ingest(served.config, { file });
    await processConversations(served.config, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
    served.store = createStore(served.config);
    await prepareStore(served.store);
    served.app = await buildApp({ store: served.store, rules: served.rules, apiKeys: ['good-key'], rateLimit: 0 });
  });
  afterAll(async () => {
    await served.app?.close();
    await served.store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return served;
}
