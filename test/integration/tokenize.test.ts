// PostgreSQL ships process its tweets as text; the embedded engine tokenizes them (src/conversations/tokenize.ts), and
// DuckDB does when that engine is busy in the process. Both ways must give process the same tables.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { PROCESS_INPUT, processInputParams } from '../../src/conversations/input.js';
import { FIRST_MENTION } from '../../src/conversations/input.postgres.sql.js';
import { processConversations } from '../../src/conversations/process.js';
import { tokenizeTextExport } from '../../src/conversations/tokenize.js';
import { CUSTOMER_WORDS_OF_TOKENS, TOKENIZE } from '../../src/conversations/duckdb.sql.js';
import { generateTwcs } from '../../src/generate/twcs.js';
import { lexiconTerms } from '../../src/model/lexicon.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { openStaging } from '../../src/staging/duckdb.js';
import { createStore } from '../../src/stores/index.js';
import { ROOT } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-tokenize-'));
let db: TestDatabase;

/** Texts that a tokenizer could get wrong: quotes, a line end, apostrophes, capitals, emoji, digits, entities, no words. */
const AWKWARD = [
  'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
  '900001,cust_a,True,Tue Oct 31 22:10:47 +0000 2017,"@Acme My ""NEW"" phone won\'t\nconnect!! 5G is DOWN 😡 &amp; I\'m ANGRY",900002,',
  '900002,Acme,False,Tue Oct 31 22:12:47 +0000 2017,"@cust_a Sorry! Please DM us your account e-mail, we\'ll fix it ^JD",900003,900001',
  '900003,cust_a,True,Tue Oct 31 22:20:47 +0000 2017,@Acme @123456,,900002',
  '900004,cust_b,True,Tue Oct 31 23:20:47 +0000 2017,"@Acme thanks thanks THANKS, it\'s fixed — merci, café, 2x faster",,',
].join('\n');

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function postgresHome(name: string) {
  const awkward = path.join(dir, `${name}-awkward.csv`);
  fs.writeFileSync(awkward, `${AWKWARD}\n`);
  const generated = path.join(dir, `${name}-generated.csv`);
  generateTwcs({ rows: 3000, out: generated, seed: 11 });
  const config = loadConfig({ DATABASE_URL: db.url }, { home: path.join(dir, name), db: 'postgres' });
  for (const file of [SAMPLE, awkward, generated]) await ingest(config, { file });
  return config;
}

describe("PostgreSQL's first @-mention", () => {
  it("is ingest's first mention (the matches of @(\\w+)) that is not all digits, as the ClickHouse twin reads it", async () => {
    const texts = ['@123 @45x6_ hi', '@@abc', 'x@_', '@123', '@12a3@b', 'mail a@b.com @Brand', '@Acme', 'no mention', '@9 @8 @7z', '#@tag', '@a-b'];
    const reference = (text: string) => [...text.matchAll(/@(\w+)/g)].map((m) => m[1]).find((m) => !/^[0-9]+$/.test(m)) ?? null;
    const rows = await db.query<{ text: string; mention: string | null }>(
      `SELECT t AS text, ${FIRST_MENTION.replace(/raw_text/g, 't')} AS mention FROM unnest($1::text[]) AS t`,
      [texts],
    );
    expect(rows.map((row) => [row.text, row.mention])).toEqual(texts.map((text) => [text, reference(text)]));
  });
});

describe('tokenizing PostgreSQL text exports in the embedded engine', () => {
  it('writes the lexicon words and customer words DuckDB finds, row for row', async () => {
    const config = await postgresHome('words');
    const store = createStore(config);
    const exported = path.join(dir, 'interactions.csv');
    try {
      await store.exportRows(PROCESS_INPUT, exported, processInputParams('twitter'));
    } finally {
      await store.close();
    }
    const work = path.join(dir, 'work');
    fs.mkdirSync(work, { recursive: true });
    const tokens = await tokenizeTextExport(exported, work);
    expect(tokens).toBe(path.join(work, 'tokens.parquet'));
    expect(fs.existsSync(path.join(work, 'tokenize-chdb'))).toBe(false);

    const staging = await openStaging(':memory:');
    try {
      const csv = `read_csv('${exported}', header = true, auto_detect = false, quote = '"', escape = '"', columns = {'external_id': 'VARCHAR', 'author': 'VARCHAR', 'inbound': 'BOOLEAN', 'ts': 'TIMESTAMPTZ', 'parent_id': 'VARCHAR', 'text': 'VARCHAR', 'first_mention': 'VARCHAR'})`;
      const terms = `[${lexiconTerms().map((term) => `'${term.replace(/'/g, "''")}'`).join(', ')}]`;
      const ours = await staging.rows<Record<string, unknown>>(`
        SELECT external_id, author, inbound, ts::VARCHAR AS ts, parent_id, first_mention,
          array_to_string(list_filter(tokens, t -> list_contains(${terms}, t)), ' ') AS words,
          ${CUSTOMER_WORDS_OF_TOKENS} AS customer_words
        FROM (SELECT *, ${TOKENIZE} AS tokens FROM ${csv}) ORDER BY external_id`);
      const engines = await staging.rows<Record<string, unknown>>(`
        SELECT external_id, author, inbound::BOOLEAN AS inbound, ts::TIMESTAMPTZ::VARCHAR AS ts, parent_id, first_mention, words, customer_words
        FROM read_parquet('${tokens}') ORDER BY external_id`);
      expect(ours.length).toBeGreaterThan(3000);
      expect(engines).toEqual(ours);
      const byId = new Map(engines.map((row) => [row.external_id, row]));
      // A quoted "NEW", a line end, an entity and emoji; the apostrophes stay inside their words.
      expect(byId.get('900001')).toMatchObject({ inbound: true, parent_id: null, first_mention: 'Acme' });
      expect(String(byId.get('900001')?.customer_words).split(' ')).toEqual(expect.arrayContaining(['5g', 'angry', 'connect', "i'm", 'new', "won't"]));
      // Nothing but mentions: no words at all, and an all-digit mention is not a brand.
      expect(byId.get('900003')).toMatchObject({ words: '', customer_words: '', first_mention: 'Acme' });
      // A brand's tweet has no customer words; its words are the lexicon's terms only.
      expect(byId.get('900002')).toMatchObject({ inbound: false, customer_words: null, parent_id: '900001' });
      expect(String(byId.get('900002')?.words).split(' ').every((word) => lexiconTerms().includes(word))).toBe(true);
    } finally {
      staging.close();
    }
  });

  it('gives process the same tables when DuckDB tokenizes because the engine is busy in this process', async () => {
    const config = await postgresHome('tables');
    const read = async () => ({
      conversations: await db.query('SELECT * FROM conversations ORDER BY conversation_id'),
      customer_profiles: await db.query('SELECT * FROM customer_profiles ORDER BY customer_id'),
      conversation_messages: await db.query('SELECT * FROM conversation_messages ORDER BY conversation_id, seq'),
    });
    // The engine is free here (a one-row export tokenizes), so process tokenizes in it.
    const tiny = path.join(dir, 'tiny.csv');
    fs.writeFileSync(tiny, 'external_id,author,inbound,ts,parent_id,text,first_mention\n1,a,t,2017-10-31 22:10:47+00,,Hello there,\n');
    expect(await tokenizeTextExport(tiny, path.join(dir, 'free'))).not.toBeNull();
    await processConversations(config, { engine: 'duckdb' });
    const viaEngine = await read();
    // Another embedded folder open in this process: chDB runs one per process, so DuckDB's tokenizer takes over.
    const held = createClient({ connection: createChdbConnection({ path: path.join(dir, 'held') }) } as Parameters<typeof createClient>[0]);
    try {
      await held.command({ query: 'SELECT 1' });
      expect(await tokenizeTextExport(path.join(dir, 'unread.csv'), path.join(dir, 'busy'))).toBeNull();
      await processConversations(config, { engine: 'duckdb' });
    } finally {
      await held.close();
    }
    const viaDuckDB = await read();
    expect(viaEngine.conversations.length).toBeGreaterThan(500);
    expect(viaDuckDB).toEqual(viaEngine);
  });
});
