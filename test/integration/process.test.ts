import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import { generateTwcs } from '../../src/generate/twcs.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { createStore } from '../../src/stores/index.js';
import { CONVERSATIONS, CUSTOMER_PROFILES } from '../../src/model/schema.js';
import { EXPLORE_TABLES } from '../../src/explore/views.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const THREADS = path.join(ROOT, 'test', 'fixtures', 'threads.csv');
const REPLY_GRAPH = path.join(ROOT, 'test', 'fixtures', 'reply-graph.csv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-process-'));
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

async function loaded(name: string, files: string[]) {
  const config = loadConfig({}, { home: path.join(dir, name), db: 'chdb' });
  for (const file of files) await ingest(config, { file });
  return config;
}

async function tables(home: string): Promise<Record<string, Row[]>> {
  const data = path.join(home, 'clickhouse');
  return {
    conversations: await queryEmbedded(data, 'SELECT * FROM conversations ORDER BY conversation_id'),
    customer_profiles: await queryEmbedded(data, 'SELECT * FROM customer_profiles ORDER BY customer_id'),
    conversation_messages: await queryEmbedded(data, 'SELECT * FROM conversation_messages ORDER BY conversation_id, seq'),
  };
}

describe('process on the real twcs sample', () => {
  it('rebuilds the sprintcare thread of customer 115712 with hand-checked features', async () => {
    const config = await loaded('sample', [SAMPLE]);
    const result = await processConversations(config, { engine: 'duckdb' });
    expect(result).toMatchObject({ engine: 'duckdb', conversations: 35, customers: 35, as_of: '2017-11-01T15:54:37.000Z' });
    expect(result.open_conversations + result.resolved_conversations).toBe(35);
    const { conversations, conversation_messages } = await tables(config.home);
    const thread = conversations.find((row) => row.customer_id === '115712')!;
    expect(thread).toMatchObject({
      conversation_id: md5('twitter:8:115712'),
      brand: 'sprintcare',
      thread_root_id: '8',
      message_count: 7,
      customer_messages: 4,
      brand_messages: 3,
      turns: 7,
      last_speaker: 'customer',
      awaiting_reply_from: 'brand',
      // 21:45:10 -> 21:46:24; replies after 74 s, 314 s and 140 s.
      first_response_minutes: 1.23,
      median_response_minutes: 2.33,
      hours_since_last_customer_message: 17.71,
      // "is the worst customer service": worst = -3, -3 / sqrt(9 + 15).
      customer_sentiment_start: -0.6124,
      customer_sentiment_end: 0,
      escalation_terms: '["worst"]',
      brand_asked_dm: true,
      resolution_status: 'open',
      resolution_signal: null,
    });
    const messages = conversation_messages.filter((row) => row.conversation_id === thread.conversation_id);
    expect(messages.map((row) => row.external_id)).toEqual(['8', '6', '5', '4', '3', '1', '2']);
    // Four customer messages: the words of the first ("... is the worst customer service") are not among the last two's.
    // The last two: "I have sent several private messages and no one is responding as usual", "and how do you propose we do that".
    expect(JSON.parse(String(thread.recent_words))).toEqual([
      'and', 'as', 'do', 'have', 'how', 'i', 'is', 'messages', 'no', 'one', 'private', 'propose', 'responding', 'sent', 'several', 'that', 'usual', 'we', 'you',
    ]);
  });

  it("names the replying brand even when the customer @-mentioned someone else (115713's thread)", async () => {
    const { conversations } = await tables(path.join(dir, 'sample'));
    expect(conversations.find((row) => row.customer_id === '115713')).toMatchObject({ brand: 'sprintcare', thread_root_id: '18', topic: 'connectivity' });
  });

  it('puts every customer tweet in exactly one conversation (the agent account 115722 writes inbound tweets too, as a brand)', async () => {
    const data = path.join(dir, 'sample', 'clickhouse');
    const [{ inbound_tweets: inbound, agent }] = await queryEmbedded<{ inbound_tweets: string; agent: string }>(
      data,
      "SELECT countIf(inbound) AS inbound_tweets, countIf(inbound AND participant_external_id = '115722') AS agent FROM interactions",
    );
    expect(Number(agent)).toBe(2);
    const [{ n, distinct }] = await queryEmbedded<{ n: string; distinct: string }>(data, 'SELECT count() AS n, uniqExact(external_id) AS distinct FROM conversation_messages WHERE inbound');
    const customers = Number(inbound) - Number(agent);
    expect([Number(n), Number(distinct)]).toEqual([customers, customers]);
  });
});

describe('process on hand-made threads', () => {
  let conversations: Row[];
  let profiles: Row[];
  let messages: Row[];
  beforeAll(async () => {
    const config = await loaded('threads', [THREADS]);
    await processConversations(config, { engine: 'duckdb' });
    ({ conversations, customer_profiles: profiles, conversation_messages: messages } = await tables(config.home));
  });
  const of = (customer: string) => conversations.find((row) => row.customer_id === customer)!;

  it("gives each customer under a brand's post a conversation of their own, with the brand's answers to them", () => {
    expect(conversations.map((row) => row.customer_id).sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(messages.filter((row) => row.conversation_id === of('c1').conversation_id).map((row) => row.external_id)).toEqual(['900101', '900104', '900106']);
    expect(messages.filter((row) => row.conversation_id === of('c2').conversation_id).map((row) => row.external_id)).toEqual(['900102', '900105']);
    expect(messages.some((row) => row.external_id === '900100')).toBe(false);
    expect(of('c1')).toMatchObject({ thread_root_id: '900100', brand: 'AcmeHelp', turns: 3, first_response_minutes: 10 });
  });

  it('marks a customer who thanks after a fix as resolved, and remembers they moved to DM when asked', () => {
    expect(of('c1')).toMatchObject({ resolution_status: 'resolved', resolution_signal: 'customer_confirmed', awaiting_reply_from: 'none', customer_moved_to: '["twitter_dm"]', topic: 'billing' });
    expect(profiles.find((row) => row.customer_id === 'c1')).toMatchObject({ channels_accepted: '["twitter_dm"]', resolution_rate: 1, conversations: 1, open_conversations: 0 });
  });

  it('marks a conversation the brand closed, with no return for over a day, as resolved', () => {
    expect(of('c2')).toMatchObject({ resolution_status: 'resolved', resolution_signal: 'brand_closed_no_return', topic: 'connectivity' });
  });

  it('matches cue words whole: "now" fires, "know" does not', () => {
    expect(of('c1').urgency_terms).toBe('["now"]');
    expect(of('c2').urgency_terms).toBe('[]');
    expect(of('c4')).toMatchObject({ urgency_terms: '["still","waiting"]', escalation_terms: '["unacceptable"]', topic: 'delivery', topic_terms: '["package"]' });
  });

  it('falls back to the @-mentioned brand when no brand replied, and keeps the open issue awaiting the brand', () => {
    expect(of('c5')).toMatchObject({ brand: 'AcmeHelp', topic: 'travel', escalation_terms: '["worst"]', resolution_status: 'open', awaiting_reply_from: 'brand' });
    expect(of('c3')).toMatchObject({ topic: 'praise', customer_sentiment_start: 0.6124 });
  });

  it("keeps the distinct words of the customer's last two messages, in byte order", () => {
    // c1: "my bill doubled and I need it fixed now", then "sent you a dm. Thanks that fixed it" (mentions dropped).
    expect(JSON.parse(String(of('c1').recent_words))).toEqual(['a', 'and', 'bill', 'dm', 'doubled', 'fixed', 'i', 'it', 'my', 'need', 'now', 'sent', 'thanks', 'that', 'you']);
    expect(JSON.parse(String(of('c5').recent_words))).toEqual(['airline', 'delayed', 'ever', 'flight', 'my', 'was', 'worst']);
  });

  it('builds profiles with active hours and peak hours', () => {
    const c1 = profiles.find((row) => row.customer_id === 'c1')!;
    const hours = JSON.parse(String(c1.active_hours)) as number[];
    expect(hours).toHaveLength(24);
    expect(hours[10]).toBe(2);
    expect(JSON.parse(String(c1.peak_hours))).toEqual([10]);
    expect(c1).toMatchObject({ total_interactions: 2, dominant_topic: 'billing', dominant_sentiment: 'positive' });
  });
});

describe('process on an awkward reply graph', () => {
  it('follows brand replies that answer brand replies, stops on reply loops in broken data, and names the brand of a conversation two accounts answer', async () => {
    const config = await loaded('reply-graph', [REPLY_GRAPH]);
    const result = await processConversations(config, { engine: 'duckdb' });
    const { conversations, conversation_messages: messages } = await tables(config.home);
    const c7 = conversations.find((row) => row.customer_id === 'c7')!;
    // Eight tweets deep, with chains of two and three brand tweets: all of them are c7's one conversation.
    expect(messages.filter((row) => row.conversation_id === c7.conversation_id).map((row) => row.external_id)).toEqual([
      '910000', '910001', '910002', '910003', '910004', '910005', '910006', '910007',
    ]);
    expect(c7).toMatchObject({ brand: 'AcmeHelp', customer_messages: 3, brand_messages: 5, turns: 5, brand_asked_dm: true, resolution_status: 'resolved' });
    // A tweet that answers itself, and two that answer each other: every one still lands in exactly one conversation.
    const loopIds = ['910100', '910200', '910201'];
    expect(messages.filter((row) => loopIds.includes(String(row.external_id))).map((row) => row.external_id).sort()).toEqual(loopIds);
    expect(result.conversations).toBe(conversations.length);
    // Two accounts answer: the one that wrote most is the brand, and a tie goes to the first name in byte order.
    expect(conversations.find((row) => row.customer_id === 'c10')).toMatchObject({ brand: 'OtherHelp', brand_messages: 3 });
    expect(conversations.find((row) => row.customer_id === 'c11')).toMatchObject({ brand: 'AcmeHelp', brand_messages: 2 });
  });
});

describe('engines and targets agree', () => {
  it('gives identical conversations, profiles and messages with the DuckDB and the ClickHouse engine', async () => {
    const generated = path.join(dir, 'generated.csv');
    generateTwcs({ rows: 8000, out: generated, seed: 9, malformed: 10 });
    // Generated ids start at 1, as the sample's do: the two are not mixed.
    const config = await loaded('engines', [THREADS, REPLY_GRAPH, generated]);
    const viaDuckDB = await processConversations(config, { engine: 'duckdb' });
    const duckTables = await tables(config.home);
    const viaClickHouse = await processConversations(config, { engine: 'clickhouse' });
    const clickTables = await tables(config.home);
    expect(viaClickHouse).toMatchObject({ conversations: viaDuckDB.conversations, customers: viaDuckDB.customers, open_conversations: viaDuckDB.open_conversations });
    expect(duckTables.conversations.length).toBeGreaterThan(1500);
    expect(clickTables).toEqual(duckTables);
  });

  it('writes the same conversations into PostgreSQL as into embedded ClickHouse', async () => {
    const config = loadConfig({ DATABASE_URL: db.url }, { home: path.join(dir, 'pg'), db: 'postgres' });
    await ingest(config, { file: SAMPLE });
    await ingest(config, { file: THREADS });
    const result = await processConversations(config, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
    expect(result.target).toBe('postgres');
    const chConfig = await loaded('pg-twin', [SAMPLE, THREADS]);
    await processConversations(chConfig, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
    const columns = 'conversation_id, customer_id, brand, message_count, turns, awaiting_reply_from, first_response_minutes, customer_sentiment_end, topic, resolution_status';
    const fromPostgres = await db.query(`SELECT ${columns} FROM conversations ORDER BY conversation_id`);
    const fromClickHouse = await queryEmbedded(path.join(chConfig.home, 'clickhouse'), `SELECT ${columns} FROM conversations ORDER BY conversation_id`);
    expect(fromPostgres.length).toBe(40);
    expect(fromPostgres.map((row) => ({ ...row, message_count: Number(row.message_count), turns: Number(row.turns) }))).toEqual(fromClickHouse);
  });
});

describe('re-runs and errors', () => {
  it('keeps the old tables when a replacement fails part-way, on ClickHouse and on PostgreSQL', async () => {
    const config = await loaded('half-way', [THREADS]);
    await processConversations(config, { engine: 'duckdb' });
    const data = path.join(config.home, 'clickhouse');
    const store = createStore(config);
    const file = path.join(dir, 'half-way-conversations.parquet');
    try {
      // An empty conversations file (no platform of that name): swapped in, it would leave no conversations.
      await store.exportRows(EXPLORE_TABLES.find((t) => t.name === 'conversations')!.query, file, { platform: 'no-such-platform' });
      // The first table loads into its shadow table, then the producer fails before the second arrives.
      async function* failing() {
        yield { table: CONVERSATIONS, file };
        throw new Error('profiles failed');
      }
      await expect(store.replaceTables(failing())).rejects.toThrow('profiles failed');
    } finally {
      await store.close();
    }
    expect(await queryEmbedded(data, 'SELECT count() AS n FROM conversations')).toEqual([{ n: 5 }]);
    expect(await queryEmbedded(data, "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '%__next'")).toEqual([]);

    const pgConfig = loadConfig({ DATABASE_URL: db.url }, { home: path.join(dir, 'half-way-pg'), db: 'postgres' });
    await ingest(pgConfig, { file: THREADS });
    const before = await processConversations(pgConfig, { engine: 'duckdb' });
    const pgStore = createStore(pgConfig);
    try {
      const empty = path.join(dir, 'half-way-conversations.csv');
      fs.writeFileSync(empty, '');
      async function* failingPg() {
        yield { table: CONVERSATIONS, file: empty };
        throw new Error('profiles failed');
      }
      await expect(pgStore.replaceTables(failingPg())).rejects.toThrow('profiles failed');
      const missing = path.join(dir, 'no-such-file.csv');
      await expect(pgStore.replaceTables([{ table: CUSTOMER_PROFILES, file: missing }])).rejects.toThrow();
    } finally {
      await pgStore.close();
    }
    expect(before.conversations).toBeGreaterThanOrEqual(5);
    expect(await db.query('SELECT count(*)::int AS n FROM conversations')).toEqual([{ n: before.conversations }]);
  });

  it('replaces the tables on a re-run and leaves no half-written table behind', async () => {
    const config = await loaded('rerun', [THREADS]);
    await processConversations(config, { engine: 'duckdb' });
    const later = await processConversations(config, { engine: 'duckdb', asOf: '2017-10-05T12:00:00Z' });
    expect(later.conversations).toBe(5);
    const data = path.join(config.home, 'clickhouse');
    const [c5] = await queryEmbedded<{ hours: number }>(data, "SELECT hours_since_last_customer_message AS hours FROM conversations WHERE customer_id = 'c5'");
    expect(c5.hours).toBe(24);
    expect(await queryEmbedded(data, "SELECT name FROM system.tables WHERE database = currentDatabase() AND (name LIKE '%\\_\\_next' OR name LIKE 'process\\_%')")).toEqual([]);
  });

  it('leaves the tables it replaces unmerged on the embedded engine, where appended tables merge as usual', async () => {
    const config = await loaded('unmerged', [THREADS]);
    await processConversations(config, { engine: 'duckdb' });
    const client = createClient({ connection: createChdbConnection({ path: path.join(config.home, 'clickhouse') }) } as Parameters<typeof createClient>[0]);
    try {
      // Seven parts each: the conversations six more times, and a table with the defaults (a stand-in for an appended one).
      await client.command({ query: 'CREATE TABLE merge_control ENGINE = MergeTree ORDER BY conversation_id AS SELECT conversation_id FROM conversations' });
      for (let i = 0; i < 6; i += 1) {
        await client.command({ query: 'INSERT INTO conversations SELECT * FROM conversations LIMIT 1' });
        await client.command({ query: 'INSERT INTO merge_control SELECT conversation_id FROM conversations LIMIT 1' });
      }
      const parts = async (table: string) => {
        const result = await client.query({ query: 'SELECT count() AS n FROM system.parts WHERE active AND database = currentDatabase() AND table = {table:String}', query_params: { table }, format: 'JSONEachRow' });
        return Number(((await result.json()) as Array<{ n: string }>)[0].n);
      };
      // The engine merges the control's small parts within moments (down to a part or two); by then it would have
      // merged the conversations' too.
      for (let waited = 0; waited < 20_000 && (await parts('merge_control')) > 2; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await parts('merge_control')).toBeLessThanOrEqual(2);
      expect(await parts('conversations')).toBe(7);
    } finally {
      await client.close();
    }
  });

  it('keys the replaced tables on PostgreSQL after loading them, run after run', async () => {
    const config = loadConfig({ DATABASE_URL: db.url }, { home: path.join(dir, 'keys-pg'), db: 'postgres' });
    await ingest(config, { file: THREADS });
    // Three runs: each shadow table is keyed while the table it replaces still holds its key's index name.
    let result = await processConversations(config, { engine: 'duckdb' });
    for (let run = 0; run < 2; run += 1) result = await processConversations(config, { engine: 'duckdb' });
    const keys = await db.query(`
      SELECT t.relname AS table_name, string_agg(a.attname, ',' ORDER BY k.n) AS columns
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
      CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE c.contype = 'p' AND t.relname IN ('conversations', 'conversation_messages', 'customer_profiles')
      GROUP BY t.relname ORDER BY t.relname`);
    expect(keys).toEqual([
      { table_name: 'conversation_messages', columns: 'conversation_id,seq' },
      { table_name: 'conversations', columns: 'conversation_id' },
      { table_name: 'customer_profiles', columns: 'customer_id' },
    ]);
    expect(await db.query("SELECT indexname FROM pg_indexes WHERE tablename = 'conversations' AND indexname = 'conversations_customer_idx'")).toHaveLength(1);
    expect(await db.query("SELECT relname FROM pg_class WHERE relname LIKE '%\\_\\_next'")).toEqual([]);
    expect(await db.query('SELECT count(*)::int AS n FROM conversations')).toEqual([{ n: result.conversations }]);
  });

  it('says to run ingest first when there is nothing to process', async () => {
    const result = await runCli(['process', '--home', path.join(dir, 'empty')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: There are no interactions to process yet: load a file first with `riverline ingest FILE`\.$/m);
  });

  it('refuses the ClickHouse engine for a PostgreSQL target, in one sentence', async () => {
    const result = await runCli(['process', '--db', 'postgres', '--engine', 'clickhouse', '--json'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.message).toMatch(/--engine clickhouse .* use --engine duckdb with PostgreSQL/);
  });

  it('answers to the seed action name process_nba_data and prints the summary keys', async () => {
    const home = path.join(dir, 'cli');
    await runCli(['ingest', THREADS, '--home', home]);
    const result = await runCli(['process_nba_data', '--home', home, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ conversations: 5, customers: 5, open_conversations: 3, resolved_conversations: 2, as_of: '2017-10-04T12:00:00.000Z' });
  });
});
