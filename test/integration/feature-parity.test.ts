// One feature definition: the backtest's features as of a moment are process's features. Cut after the last message of
// every conversation, the decision samples' SQL gives exactly what process stored (and predict derives from it), for
// real and hand-made threads. The labels of the samples are checked on hand-made threads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import * as duck from '../../src/conversations/duckdb.sql.js';
import { buildMessageSignals } from '../../src/conversations/process.js';
import { storedConversationFeatures } from '../../src/decisions/derived.js';
import { DECISION_FIELDS, featuresOfDuckDbRow } from '../../src/decisions/fields.js';
import { buildCutFeatures, buildDecisionSamples } from '../../src/decisions/samples.js';
import * as samplesSql from '../../src/decisions/samples.sql.js';
import { generateTwcs } from '../../src/generate/twcs.js';
import { CONVERSATIONS } from '../../src/model/schema.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { openStaging } from '../../src/staging/duckdb.js';
import { createStore } from '../../src/stores/index.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT } from '../helpers/cli.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const THREADS = path.join(ROOT, 'test', 'fixtures', 'threads.csv');
const REPLY_GRAPH = path.join(ROOT, 'test', 'fixtures', 'reply-graph.csv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-parity-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;
const CONVERSATION_FIELDS = Object.keys(DECISION_FIELDS).filter((field) => CONVERSATIONS.columns.some((column) => column.name === field));

/** What predict decides on for a stored conversation: its decision fields, the profile's two, the brand and the recent words. */
function processFeatures(row: Row): Row {
  const number = (value: unknown) => (value === null ? null : Number(value));
  const own = Object.fromEntries(
    CONVERSATION_FIELDS.map((field) => {
      const type = DECISION_FIELDS[field as keyof typeof DECISION_FIELDS];
      return [field, type === 'number' ? number(row[field]) : type === 'boolean' ? row[field] === true || row[field] === 1 : row[field]];
    }),
  );
  return {
    ...own,
    ...storedConversationFeatures(row),
    customer_conversations: number(row.customer_conversations),
    customer_resolution_rate: number(row.customer_resolution_rate),
    brand: row.brand,
    recent_words: JSON.parse(String(row.recent_words)),
  };
}

function backtestFeatures(row: Row): Row {
  return { ...featuresOfDuckDbRow(row), brand: row.brand, recent_words: row.recent_words };
}

async function loaded(name: string, files: string[]) {
  const config = loadConfig({}, { home: path.join(dir, name), db: 'chdb' });
  for (const file of files) await ingest(config, { file });
  return config;
}

/** Process's stored features, and the backtest's cut after every conversation's last message, by conversation id. */
async function bothSides(name: string, files: string[]): Promise<{ stored: Map<string, Row>; cut: Map<string, Row> }> {
  const config = await loaded(name, files);
  const { as_of: asOf } = await processConversations(config, { engine: 'duckdb' });
  const staging = await openStaging(path.join(dir, `${name}-staging.duckdb`));
  const store = createStore(config);
  const workDir = fs.mkdtempSync(path.join(dir, 'work-'));
  let cut: Row[];
  try {
    await buildMessageSignals(staging, store, { platform: 'twitter', workDir });
    await staging.run(duck.CREATE_CONVERSATION_KEYS, { platform: 'twitter' });
    await staging.run(samplesSql.CREATE_FEATURE_CUTS);
    // The bound lies after every message (all are at or before as_of); the moment is process's as_of.
    await staging.run(
      `INSERT INTO feature_cuts SELECT row_number() OVER (ORDER BY conversation_id), root_ptr, customer_id,
         $as_of::TIMESTAMPTZ + INTERVAL 1 DAY, '', $as_of::TIMESTAMPTZ FROM conversation_keys`,
      { as_of: asOf },
    );
    await buildCutFeatures(staging, 'twitter');
    cut = await staging.rows<Row>('SELECT * FROM cut_features');
  } finally {
    staging.close();
    await store.close();
  }
  const stored = await queryEmbedded<Row>(
    path.join(config.home, 'clickhouse'),
    `SELECT c.*, p.conversations AS customer_conversations, p.resolution_rate AS customer_resolution_rate
     FROM conversations c LEFT JOIN customer_profiles p ON p.customer_id = c.customer_id`,
  );
  return {
    stored: new Map(stored.map((row) => [String(row.conversation_id), processFeatures(row)])),
    cut: new Map(cut.map((row) => [String(row.conversation_id), backtestFeatures(row)])),
  };
}

describe("the backtest's features at the last moment of each conversation", () => {
  for (const [name, files] of [
    ['the real sample', [SAMPLE]],
    ['hand-made threads and reply graphs', [THREADS, REPLY_GRAPH]],
  ] as const) {
    it(`equal process's features on ${name}`, async () => {
      const { stored, cut } = await bothSides(name.replace(/\W+/g, '-'), [...files]);
      expect(stored.size).toBeGreaterThan(4);
      expect([...cut.keys()].sort()).toEqual([...stored.keys()].sort());
      for (const [id, features] of stored) expect(cut.get(id), `conversation ${id}`).toEqual(features);
    });
  }

  it("equal process's features on generated history with customers in several conversations", async () => {
    const file = path.join(dir, 'generated.csv');
    generateTwcs({ rows: 3000, out: file, seed: 5 });
    const { stored, cut } = await bothSides('generated', [file]);
    const customers = [...stored.values()].map((row) => Number(row.customer_conversations));
    expect(Math.max(...customers), 'some customer has several conversations').toBeGreaterThan(1);
    expect(cut.size).toBe(stored.size);
    for (const [id, features] of stored) expect(cut.get(id), `conversation ${id}`).toEqual(features);
  });
});

describe('decision samples', () => {
  let samples: Row[];
  beforeAll(async () => {
    const config = await loaded('outcomes', [path.join(ROOT, 'test', 'fixtures', 'outcomes.csv'), THREADS]);
    const staging = await openStaging(path.join(dir, 'outcomes-staging.duckdb'));
    const store = createStore(config);
    try {
      const count = await buildDecisionSamples(staging, store, { platform: 'twitter', workDir: fs.mkdtempSync(path.join(dir, 'work-')) });
      samples = await staging.rows<Row>('SELECT *, ts::VARCHAR AS ts FROM decision_samples ORDER BY external_id');
      expect(count).toBe(samples.length);
    } finally {
      staging.close();
      await store.close();
    }
  });
  const of = (id: string) => samples.find((row) => row.external_id === id)!;

  it('has one sample per brand reply that follows a customer message, and none for a brand post', () => {
    expect(samples.map((row) => row.external_id)).toEqual(['900104', '900105', '910002', '910012', '910022', '910024', '910032']);
  });

  it('labels each reply with the channel the agent steered to', () => {
    expect(samples.map((row) => [row.external_id, row.action])).toEqual([
      ['900104', 'twitter_dm_reply'],
      ['900105', 'twitter_public_reply'],
      ['910002', 'twitter_public_reply'],
      ['910012', 'email_reply'],
      ['910022', 'twitter_dm_reply'],
      ['910024', 'scheduling_phone_call'],
      ['910032', 'twitter_public_reply'],
    ]);
  });

  it('labels what followed within 72 hours: a thanks that ends it resolves, a complaint escalates, nothing (or a late thanks) is silent', () => {
    expect(samples.map((row) => [row.external_id, row.outcome, row.resolved])).toEqual([
      ['900104', 'resolved', true], // "sent you a dm. Thanks that fixed it"
      ['900105', 'silent', false], // the customer never answered
      ['910002', 'escalated', false], // "it is unacceptable"
      ['910012', 'silent', false], // the thanks came four days later
      ['910022', 'resolved', true], // "thanks I sent it", then "that worked thank you" last
      ['910024', 'resolved', true],
      ['910032', 'escalated', false], // "thanks but it is still not working"
    ]);
  });

  it('takes the features from before the reply only', () => {
    expect(of('900104')).toMatchObject({ message_count: 1, customer_messages: 1, brand_messages: 0, topic: 'billing', is_urgent: true, brand_asked_dm: false, brand: 'AcmeHelp' });
    expect(of('900104').hours_since_last_customer_message).toBe(0.17);
    expect(of('900104').actual_delay_minutes).toBe(10);
    expect(of('910024')).toMatchObject({ message_count: 3, brand_messages: 1, brand_asked_dm: true, brand_asked_phone: false, customer_conversations: 1 });
    expect(of('910024').recent_words).toEqual(['i', 'is', 'it', 'late', 'my', 'order', 'sent', 'thanks']);
    expect(of('910024').ts).toBe('2017-10-02 14:40:00+00');
  });
});
