// Reply cycles in broken data (self-replies, 2-cycles, 3-cycles, a reply older than its parent): process breaks each
// cycle the same way with both engines, every conversation has a customer, and predict acts only for customers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { processConversations, type Engine } from '../../src/conversations/process.js';
import { predict } from '../../src/decisions/predict.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT } from '../helpers/cli.js';

const CYCLES = path.join(ROOT, 'test', 'fixtures', 'reply-cycles.csv');
const BRANDS = ['AcmeHelp', 'OtherHelp'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-cycles-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;
interface Tables {
  conversations: Row[];
  messages: Row[];
  profiles: Row[];
}

async function tables(home: string): Promise<Tables> {
  const data = path.join(home, 'clickhouse');
  return {
    conversations: await queryEmbedded(data, 'SELECT * FROM conversations ORDER BY conversation_id'),
    messages: await queryEmbedded(data, 'SELECT * FROM conversation_messages ORDER BY conversation_id, seq'),
    profiles: await queryEmbedded(data, 'SELECT * FROM customer_profiles ORDER BY customer_id'),
  };
}

/** Each customer's conversations as their message ids in order, keyed "customer@thread_root". */
function threadsOf({ conversations, messages }: Tables): Record<string, string[]> {
  return Object.fromEntries(
    conversations.map((conversation) => [
      `${conversation.customer_id}@${conversation.thread_root_id}`,
      messages.filter((message) => message.conversation_id === conversation.conversation_id).map((message) => String(message.external_id)),
    ]),
  );
}

// Each cycle loses the one pointer that goes back in time (or, within one second, to a later id); the rest hold.
const EXPECTED_THREADS = {
  'cy1@920100': ['920100'],
  'cy3@920300': ['920301'],
  'cy4@920400': ['920400', '920401'],
  'cy6@920600': ['920600', '920601', '920602'],
  'cy8@920800': ['920800', '920801', '920802'],
  'cy9@920901': ['920901'],
  'cy10@921000': ['921000', '921001'],
  'cy11@921100': ['921100'],
  'cy12@921100': ['921101'],
};

const config = loadConfig({}, { home: path.join(dir, 'home'), db: 'chdb' });
const byEngine = {} as Record<Engine, Tables>;
let predictions: Row[];
beforeAll(async () => {
  await ingest(config, { file: CYCLES });
  await processConversations(config, { engine: 'duckdb' });
  byEngine.duckdb = await tables(config.home);
  const out = path.join(dir, 'predictions.json');
  await predict(config, { out, format: 'json', llm: 'off' });
  predictions = JSON.parse(fs.readFileSync(out, 'utf8')) as Row[];
  await processConversations(config, { engine: 'clickhouse' });
  byEngine.clickhouse = await tables(config.home);
});

describe.each(['duckdb', 'clickhouse'] as const)('process on reply cycles with the %s engine', (engine) => {
  it('gives every conversation a customer: none without customer messages, none whose customer is a brand account', () => {
    const { conversations } = byEngine[engine];
    expect(conversations.length).toBe(Object.keys(EXPECTED_THREADS).length);
    expect(conversations.filter((row) => Number(row.customer_messages) === 0)).toEqual([]);
    expect(conversations.filter((row) => BRANDS.includes(String(row.customer_id)))).toEqual([]);
    expect(byEngine[engine].profiles.map((row) => row.customer_id).filter((id) => BRANDS.includes(String(id)))).toEqual([]);
  });

  it('breaks each cycle at the pointer that goes back in time, so the rest of the thread hangs together', () => {
    expect(threadsOf(byEngine[engine])).toEqual(EXPECTED_THREADS);
  });

  it('puts every customer tweet in exactly one conversation, and no brand tweet that answers no customer', () => {
    const ids = byEngine[engine].messages.map((row) => String(row.external_id));
    expect(new Set(ids).size).toBe(ids.length);
    // Brand self-replies, brand-only 2- and 3-cycles, and a brand reply older than the tweet it answers join nothing.
    for (const id of ['920200', '920300', '920500', '920501', '920700', '920701', '920702', '920900']) expect(ids).not.toContain(id);
  });

  it('counts the sides of a broken cycle as one conversation (the brand answered, so the customer is awaited)', () => {
    const of = (customer: string) => byEngine[engine].conversations.find((row) => row.customer_id === customer);
    expect(of('cy4')).toMatchObject({ customer_messages: 1, brand_messages: 1, last_speaker: 'brand', awaiting_reply_from: 'customer', brand: 'AcmeHelp', first_response_minutes: 5 });
    expect(of('cy6')).toMatchObject({ customer_messages: 2, brand_messages: 1, turns: 3, last_speaker: 'customer', first_response_minutes: 10 });
    expect(of('cy8')).toMatchObject({ customer_messages: 1, brand_messages: 2, first_response_minutes: 0 });
  });
});

describe('reply cycles downstream', () => {
  it('gives identical tables with the DuckDB and the ClickHouse engine', () => {
    expect(byEngine.clickhouse).toEqual(byEngine.duckdb);
  });

  it('predicts only for customers, and never a first public reply where the brand already answered', () => {
    const customers = byEngine.duckdb.conversations.filter((row) => row.resolution_status === 'open').map((row) => String(row.customer_id));
    expect(predictions.map((row) => String(row.customer_id)).sort()).toEqual(customers.sort());
    const answered = new Set(byEngine.duckdb.conversations.filter((row) => Number(row.brand_messages) > 0).map((row) => String(row.customer_id)));
    expect(answered).toEqual(new Set(['cy4', 'cy6', 'cy8', 'cy10']));
    expect(predictions.filter((row) => answered.has(String(row.customer_id)) && row.rule_id === 'public_first_reply')).toEqual([]);
  });
});
