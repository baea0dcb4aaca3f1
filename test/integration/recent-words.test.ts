// The recent words of a conversation (conversationWordsSql, from the positions RECENT_SEQS keeps) rest on each customer
// tweet's words arriving distinct and sorted (CUSTOMER_WORDS_OF_TOKENS here, the ClickHouse export's customer_words
// there): a conversation whose customer wrote one message takes them as they are. This pins both against the plain
// definition, list_sort(list_distinct(...)) of the last two customer messages' tokens, on the cases that could tell
// them apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStaging, type Staging } from '../../src/staging/duckdb.js';
import { CREATE_CONVERSATION_WORDS, CUSTOMER_WORDS_OF_TOKENS, RECENT_SEQS } from '../../src/conversations/duckdb.sql.js';

let staging: Staging;

afterAll(() => staging.close());

/** [conversation, seq, inbound, tokens] */
const MESSAGES: Array<[string, number, boolean, string[]]> = [
  // one customer message, its words repeated and out of order
  ['one', 1, true, ['thanks', 'b', 'a', 'thanks', "don't", "'", 'a']],
  ['one', 2, false, ['agent', 'words', 'never', 'count']],
  // two customer messages sharing words; the brand's between them is not read
  ['two', 1, true, ['my', 'order', 'is', 'late']],
  ['two', 2, false, ['sorry', 'dm', 'us']],
  ['two', 3, true, ['order', 'sent', 'dm', 'my']],
  // three: only the last two count
  ['three', 1, true, ['first', 'message', 'words']],
  ['three', 2, true, ['second', 'words']],
  ['three', 3, true, ['third', 'second']],
  // a customer message without a word, alone and beside one with words
  ['empty', 1, true, []],
  ['empty-and-words', 1, true, ['zebra', 'apple']],
  ['empty-and-words', 2, true, []],
  // no customer message at all
  ['brand-only', 1, false, ['hello']],
  // digits and apostrophes sort by their bytes
  ['bytes', 1, true, ['b', "'a", '10', '9', 'a']],
];

beforeAll(async () => {
  staging = await openStaging(':memory:');
  await staging.run(`CREATE OR REPLACE TEMP TABLE words_in (conversation VARCHAR, seq INTEGER, inbound BOOLEAN, tokens VARCHAR[])`);
  const appender = await staging.connection.createAppender('words_in', 'main', 'temp');
  for (const [conversation, seq, inbound, tokens] of MESSAGES) {
    appender.appendVarchar(conversation);
    appender.appendInteger(seq);
    appender.appendBoolean(inbound);
    appender.appendVarchar(`[${tokens.map((token) => `"${token}"`).join(', ')}]`);
    appender.endRow();
  }
  appender.closeSync();
  await staging.run(`CREATE OR REPLACE TEMP TABLE words_msgs AS SELECT *, ${CUSTOMER_WORDS_OF_TOKENS} AS customer_words FROM words_in`);
  // process's tables as the statement reads them: a conversation is (root_ptr, customer_id)
  await staging.run(`CREATE OR REPLACE TEMP TABLE messages AS SELECT 7::BIGINT AS root_ptr, conversation AS customer_id, seq, inbound, customer_words FROM words_msgs`);
  await staging.run(`CREATE OR REPLACE TEMP TABLE conversation_features AS SELECT root_ptr, customer_id, ${RECENT_SEQS} AS recent_seqs FROM messages GROUP BY root_ptr, customer_id`);
  await staging.run(CREATE_CONVERSATION_WORDS);
});

describe('a conversation recent words', () => {
  it('are the distinct tokens of the customer last two messages in byte order, whatever the messages hold', async () => {
    const rows = await staging.rows<{ conversation: string; recent: string[]; plain: string[] }>(`
      SELECT p.conversation, CAST(coalesce(w.recent_words, '[]') AS VARCHAR[]) AS recent, p.plain
      FROM (
        SELECT conversation, list_sort(list_distinct(flatten(coalesce(arg_max(tokens, seq, 2) FILTER (WHERE inbound), [])))) AS plain
        FROM words_msgs GROUP BY conversation
      ) p LEFT JOIN conversation_words w ON w.customer_id = p.conversation
      ORDER BY p.conversation`);
    const by = Object.fromEntries(rows.map((row) => [row.conversation, row]));
    for (const row of rows) expect(row.recent, row.conversation).toEqual(row.plain);
    expect(by.one.recent).toEqual(["'", 'a', 'b', "don't", 'thanks']);
    expect(by.two.recent).toEqual(['dm', 'is', 'late', 'my', 'order', 'sent']);
    expect(by.three.recent).toEqual(['second', 'third', 'words']);
    expect(by.empty.recent).toEqual([]);
    expect(by['empty-and-words'].recent).toEqual(['apple', 'zebra']);
    expect(by['brand-only'].recent).toEqual([]);
    expect(by.bytes.recent).toEqual(["'a", '10', '9', 'a', 'b']);
  });

  it('are stored as the JSON text to_json prints for the list, whether joined by hand (one message) or not (two)', async () => {
    const rows = await staging.rows<{ customer_id: string; recent_words: string; printed: string }>(
      `SELECT customer_id, recent_words, to_json(CAST(recent_words AS VARCHAR[]))::VARCHAR AS printed FROM conversation_words ORDER BY customer_id`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) expect(row.recent_words, row.customer_id).toBe(row.printed);
    expect(Object.fromEntries(rows.map((row) => [row.customer_id, row.recent_words]))).toMatchObject({
      one: `["'","a","b","don't","thanks"]`,
      empty: '[]',
      two: '["dm","is","late","my","order","sent"]',
    });
  });

  it('arrive sorted and distinct per customer tweet, and a brand tweet has none', async () => {
    const rows = await staging.rows<{ conversation: string; seq: number; customer_words: string | null }>(
      `SELECT conversation, seq, customer_words FROM words_msgs WHERE conversation IN ('one', 'two') ORDER BY conversation, seq`,
    );
    expect(rows.map((row) => row.customer_words)).toEqual(["' a b don't thanks", null, 'is late my order', null, 'dm my order sent']);
  });
});
