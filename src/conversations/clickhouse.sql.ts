// The steps of duckdb.sql.ts in ClickHouse SQL, run inside ClickHouse over `interactions` (the --engine clickhouse
// path, which scales out with a cluster). Work tables are prefixed process_ and dropped afterwards.
// Run with join_use_nulls = 1 so outer joins give NULLs as DuckDB does; aggregates over no rows use -OrNull for the same reason.
// Bound values: {platform:String}, {terms:Array(String)} (see input.clickhouse.sql.ts), {as_of:DateTime64(3, 'UTC')},
// {window_hours:UInt32}. Durations stay integer milliseconds until the last step, as in duckdb.sql.ts, so both engines
// round the same numbers.
import { BRAND_KINDS, CUSTOMER_KINDS } from '../model/lexicon.js';
import { PROCESS_INPUT } from './input.clickhouse.sql.js';

/** A ClickHouse string literal list: a backslash escapes in ClickHouse, so it is escaped as well as the quote. */
const literalList = (names: readonly string[]) => names.map((name) => `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');

/** Only the hits a feature reads: customers' words for sentiment, cues, topics and confirmations; brands' for asks and closings. */
const HIT_NEEDED = `((m.inbound AND l.kind IN (${literalList(CUSTOMER_KINDS)})) OR (NOT m.inbound AND l.kind IN (${literalList(BRAND_KINDS)})))`;

const AS_OF = `{as_of:DateTime64(3, 'UTC')}`;
const round = (expr: string, digits: number) => `(floor((${expr}) * ${10 ** digits} + 0.5) / ${10 ** digits})`;
const millis = (expr: string) => `toUnixTimestamp64Milli(${expr})`;

export const SETTINGS = { join_use_nulls: 1 } as const;

export const WORK_TABLES = [
  'process_tweets',
  'process_lexicon',
  'process_pointers',
  'process_pointers_next',
  'process_order',
  'process_messages',
  'process_customer_tweets',
  'process_hits',
  'process_message_signals',
  'process_reply_delays',
  'process_topics',
  'process_cues',
  'process_ids',
  'process_brands',
  'process_resolved',
  'conversations_out',
  'conversation_messages_out',
  'customer_profiles_out',
];

/** SYNC: an Atomic database otherwise keeps a dropped table (here, its memory) for eight minutes. */
export const dropWorkTable = (name: string) => `DROP TABLE IF EXISTS ${name} SYNC`;

/**
 * The interactions as process reads them (the same query the DuckDB engine exports), with their words as tokens, and a
 * row number (idx) the threads are built on: pointers between UInt64 numbers join far faster, and in less memory, than
 * pointers between ids (the DuckDB engine uses its rowid the same way). Any numbering will do; no output depends on it.
 */
export const CREATE_TWEETS = `CREATE TABLE process_tweets ENGINE = Memory AS SELECT rowNumberInAllBlocks() AS idx, * FROM (${PROCESS_INPUT})`;

/**
 * The lexicon's texts are LowCardinality: the lexicon hits carry them, 8.2M rows on the 2.8M-row file and 621 MB as
 * plain strings. With that, and the topics' and cues' terms gathered by groupArray then made distinct (groupUniqArray
 * keeps a hash set per group), the topics' statement no longer took the process to 2.7 GB (2.2 GB at most now).
 */
export const CREATE_LEXICON = `CREATE TABLE process_lexicon (kind LowCardinality(String), term LowCardinality(String), topic LowCardinality(String), score Int32, rank Int32) ENGINE = Memory`;

/**
 * A reply keeps its pointer only to a parent that comes before it in the order messages are numbered in (time, then
 * id): time does not go backwards, so self-replies and reply cycles in broken data lose the pointer that closes the
 * loop, and the parent graph is a forest. The same rule is PARENT_PRECEDES in duckdb.sql.ts.
 */
const PARENT_PRECEDES = `(p.external_id IS NOT NULL AND (p.ts < t.ts OR (p.ts = t.ts AND p.external_id < t.external_id)))`;

/**
 * Each tweet's pointers as in duckdb.sql.ts's CREATE_POINTERS: to its thread's root (its parent, until the pointers
 * have climbed) and to its customer tweet (itself when inbound; a brand reply climbs through brand tweets to one),
 * each with a flag that says it has arrived.
 */
export const CREATE_POINTERS = `
CREATE TABLE process_pointers ENGINE = Memory AS
SELECT idx, if(kept, parent, idx) AS root_ptr, NOT kept AS root_final,
  multiIf(inbound, toNullable(idx), kept, toNullable(parent), NULL) AS anchor_ptr, inbound OR NOT kept OR parent_inbound AS anchor_final
FROM (
  SELECT t.idx AS idx, t.inbound AS inbound, assumeNotNull(p.idx) AS parent, ifNull(p.inbound, false) AS parent_inbound, ${PARENT_PRECEDES} AS kept
  FROM process_tweets t LEFT JOIN process_tweets p ON p.external_id = t.parent_id
)`;

/**
 * One pointer-doubling step for the thread roots (STEP_ROOTS in duckdb.sql.ts): a pointer that has not arrived jumps
 * to its target's, and has arrived when that one had. Rows that have arrived are copied as they are.
 */
export const STEP_ROOTS = `
CREATE TABLE process_pointers_next ENGINE = Memory AS
SELECT idx, root_ptr, root_final, anchor_ptr, anchor_final FROM process_pointers WHERE root_final
UNION ALL
SELECT p.idx AS idx, r.root_ptr AS root_ptr, r.root_final AS root_final, p.anchor_ptr AS anchor_ptr, p.anchor_final AS anchor_final
FROM (SELECT * FROM process_pointers WHERE NOT root_final) p
JOIN (SELECT idx, root_ptr, root_final FROM process_pointers) r ON r.idx = p.root_ptr`;

/** The same for the customer tweets the brand replies hang from (rare: most runs have no step). */
export const STEP_ANCHORS = `
CREATE TABLE process_pointers_next ENGINE = Memory AS
SELECT idx, root_ptr, root_final, anchor_ptr, anchor_final FROM process_pointers WHERE anchor_final
UNION ALL
SELECT p.idx AS idx, p.root_ptr AS root_ptr, p.root_final AS root_final, a.anchor_ptr AS anchor_ptr, ifNull(a.anchor_final, true) AS anchor_final
FROM (SELECT * FROM process_pointers WHERE NOT anchor_final) p
LEFT JOIN (SELECT idx, anchor_ptr, anchor_final FROM process_pointers) a ON a.idx = p.anchor_ptr`;

/** Stop when nothing is left to climb (the parent graph has no cycles, so every pointer reaches its end). */
export const COUNT_ROOTS_LEFT = `SELECT countIf(NOT root_final) AS n FROM process_pointers`;
export const COUNT_ANCHORS_LEFT = `SELECT countIf(NOT anchor_final) AS n FROM process_pointers`;

export const ADVANCE_POINTERS = [`EXCHANGE TABLES process_pointers AND process_pointers_next`, `DROP TABLE process_pointers_next SYNC`];

/**
 * A conversation's key while process works: the MD5 of platform, thread root and customer as a UInt128, which the
 * group-bys and joins hash as a number; its 32 hex digits (the conversation_id both engines write) only in the outputs.
 */
const CONVERSATION_KEY = `reinterpretAsUInt128(MD5(concat({platform:String}, ':', r.external_id, ':', c.author)))`;
const CONVERSATION_ID = (key: string) => `lower(hex(reinterpretAsFixedString(${key})))`;

/**
 * Each message's conversation (its thread root and its customer, the author of the customer tweet it hangs from), its
 * place in it (seq) and whether the speaker changed there: built from the pointers and a few columns of the tweets
 * (ids, times, who spoke), so that the window sorts these rather than every column of 2.8M messages, and the pointers
 * go once it is built. The anchor is a customer tweet by construction; the filter says so, so that no conversation has
 * a brand as its customer. On the 2.8M-row file, building the messages in one statement took the process from 0.9 GB to
 * 3.1 GB.
 */
export const CREATE_ORDER = `
CREATE TABLE process_order ENGINE = Memory AS
SELECT idx, conv, thread_root_id, customer_id,
  row_number() OVER w AS seq,
  if(row_number() OVER w = 1, false, inbound != lagInFrame(inbound) OVER w) AS speaker_changed
FROM (
  SELECT t.idx AS idx, ${CONVERSATION_KEY} AS conv, p.root_ptr AS root_ptr, r.external_id AS thread_root_id, c.author AS customer_id,
    t.inbound AS inbound, t.ts AS ts, t.external_id AS external_id
  FROM (SELECT idx, inbound, ts, external_id FROM process_tweets) t
  JOIN process_pointers p ON p.idx = t.idx
  JOIN (SELECT idx, author FROM process_tweets WHERE inbound) c ON c.idx = p.anchor_ptr
  JOIN (SELECT idx, external_id FROM process_tweets) r ON r.idx = p.root_ptr
)
WINDOW w AS (PARTITION BY root_ptr, customer_id ORDER BY ts, external_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;

/** The messages: the tweets with their conversation and place. The tweets stream on the left; the right side holds no text. */
export const CREATE_MESSAGES = `
CREATE TABLE process_messages ENGINE = Memory AS
SELECT o.conv AS conv, o.thread_root_id AS thread_root_id, o.customer_id AS customer_id,
  t.idx AS idx, t.external_id AS external_id, t.author AS author, t.inbound AS inbound, t.ts AS ts, t.parent_id AS parent_id, t.first_mention AS first_mention,
  splitByWhitespace(t.words) AS tokens, t.customer_words AS customer_words,
  o.seq AS seq, o.speaker_changed AS speaker_changed
FROM process_tweets t
JOIN process_order o ON o.idx = t.idx`;

/**
 * What the profiles read of the tweets (a customer's tweets, their times), kept apart once the messages are built so
 * that the tweets' ids and words are not held through the features (0.4 GB on the 2.8M-row file).
 */
export const CREATE_CUSTOMER_TWEETS = `CREATE TABLE process_customer_tweets ENGINE = Memory AS SELECT author, ts FROM process_tweets WHERE inbound`;

export const CREATE_HITS = `
CREATE TABLE process_hits ENGINE = Memory AS
SELECT m.conv AS conv, m.idx AS idx, m.inbound AS inbound, m.seq AS seq,
  l.kind AS kind, l.term AS term, l.topic AS topic, l.score AS score, l.rank AS rank
FROM (SELECT conv, idx, inbound, seq, arrayJoin(tokens) AS token FROM process_messages) m
JOIN process_lexicon l ON l.term = m.token
WHERE ${HIT_NEEDED}`;

export const CREATE_MESSAGE_SIGNALS = `
CREATE TABLE process_message_signals ENGINE = Memory AS
SELECT m.conv AS conv, m.inbound AS inbound, m.seq AS seq, m.ts AS ts,
  m.speaker_changed AS speaker_changed,
  ${round('ifNull(h.raw, 0) / sqrt(ifNull(h.raw, 0) * ifNull(h.raw, 0) + 15)', 4)} AS sentiment,
  ifNull(h.confirms, false) AND NOT ifNull(h.negated, false) AS confirms,
  ifNull(h.closes, false) AS closes,
  ifNull(h.ask_dm, false) AS ask_dm, ifNull(h.ask_email, false) AS ask_email, ifNull(h.ask_phone, false) AS ask_phone,
  ifNull(h.says_dm, false) AS says_dm, ifNull(h.says_email, false) AS says_email, ifNull(h.says_phone, false) AS says_phone
FROM process_messages m LEFT JOIN (
  SELECT idx,
    sumIf(score, kind = 'sentiment') AS raw,
    countIf(kind IN ('gratitude', 'fixed')) > 0 AS confirms,
    countIf(kind = 'negation') > 0 AS negated,
    countIf(kind = 'closing') > 0 AS closes,
    countIf(kind = 'ask_dm') > 0 AS ask_dm, countIf(kind = 'ask_email') > 0 AS ask_email, countIf(kind = 'ask_phone') > 0 AS ask_phone,
    countIf(kind = 'customer_dm') > 0 AS says_dm, countIf(kind = 'customer_email') > 0 AS says_email, countIf(kind = 'customer_phone') > 0 AS says_phone
  FROM process_hits GROUP BY idx
) h ON h.idx = m.idx`;

/** A brand tweet is in a conversation only through a pointer it kept (PARENT_PRECEDES), so parent_id is its parent here. */
export const CREATE_REPLY_DELAYS = `
CREATE TABLE process_reply_delays ENGINE = Memory AS
SELECT b.conv AS conv, ${millis('b.ts')} - ${millis('c.ts')} AS delay_ms
FROM process_messages b JOIN process_messages c ON c.external_id = b.parent_id AND c.conv = b.conv
WHERE NOT b.inbound AND c.inbound`;

export const CREATE_TOPICS = `
CREATE TABLE process_topics ENGINE = Memory AS
SELECT conv, topic, terms FROM (
  SELECT conv, topic, terms, row_number() OVER (PARTITION BY conv ORDER BY hits DESC, rank) AS nth
  FROM (
    SELECT conv, topic, min(rank) AS rank, count() AS hits, arraySort(arrayDistinct(groupArray(term))) AS terms
    FROM process_hits WHERE kind = 'topic' AND inbound GROUP BY conv, topic
  )
) WHERE nth = 1`;

/** The distinct tokens of the customer's last two messages, in byte order: conversationWordsSql of duckdb.sql.ts, here over process_messages grouped. */
const RECENT_WORDS = `arraySort(arrayDistinct(arrayFilter(w -> w != '', arrayFlatten(arrayMap(x -> splitByChar(' ', ifNull(x.2, '')),
    arraySlice(arrayReverseSort(x -> x.1, groupArrayIf((seq, customer_words), inbound)), 1, 2))))))`;

/**
 * The parts of a conversation read from the messages and the lexicon hits, each its own table so that those two (the
 * largest work tables, 0.9 GB and 0.6 GB on the 2.8M-row file) are dropped before the conversations' statement: it
 * took the process from 2.2 GB to 4.3 GB when it read them itself.
 */
export const CREATE_CUES = `
CREATE TABLE process_cues ENGINE = Memory AS
SELECT conv,
  arraySort(arrayDistinct(groupArrayIf(term, kind = 'urgency' AND inbound))) AS urgency_terms,
  arraySort(arrayDistinct(groupArrayIf(term, kind = 'escalation' AND inbound))) AS escalation_terms
FROM process_hits GROUP BY conv`;

export const CREATE_IDS = `
CREATE TABLE process_ids ENGINE = Memory AS
SELECT conv, any(customer_id) AS customer_id, any(thread_root_id) AS thread_root_id,
  argMinIf(first_mention, seq, inbound) AS first_mention,
  ${RECENT_WORDS} AS recent_words
FROM process_messages GROUP BY conv`;

export const CREATE_BRANDS = `
CREATE TABLE process_brands ENGINE = Memory AS
SELECT conv, author AS replying_brand FROM (
  SELECT conv, author, row_number() OVER (PARTITION BY conv ORDER BY n DESC, author) AS nth
  FROM (SELECT conv, author, count() AS n FROM process_messages WHERE NOT inbound GROUP BY conv, author)
) WHERE nth = 1`;

const CHANNEL_IF = (said: string, ask: string, channel: string) => `if(r.${said} > r.${ask}, ['${channel}'], CAST([], 'Array(String)'))`;

/**
 * A conversation's counts, times and signals, and whether it resolved: its own table, so that the group-by over the
 * message signals has run (and they are dropped) before the conversations' statement joins its parts.
 */
export const CREATE_RESOLVED = `
CREATE TABLE process_resolved ENGINE = Memory AS
WITH base AS (
  SELECT conv,
    min(ts) AS started_at, max(ts) AS ended_at, toInt64(count()) AS message_count,
    toInt64(countIf(inbound)) AS customer_messages,
    toInt64(countIf(NOT inbound)) AS brand_messages,
    toInt64(1 + countIf(speaker_changed)) AS turns,
    argMax(inbound, seq) AS last_inbound,
    argMax(closes, seq) AS last_closes,
    minIfOrNull(ts, inbound) AS first_customer_at,
    maxIfOrNull(ts, inbound) AS last_customer_at,
    minIfOrNull(ts, NOT inbound) AS first_brand_at,
    minIfOrNull(seq, NOT inbound) AS first_brand_seq,
    argMinIf(sentiment, seq, inbound) AS sentiment_start,
    argMaxIf(sentiment, seq, inbound) AS sentiment_end,
    argMaxIf(confirms, seq, inbound) AS last_customer_confirms,
    maxIfOrNull(seq, inbound) AS last_customer_seq,
    toBool(max(ask_dm AND NOT inbound)) AS brand_asked_dm,
    toBool(max(ask_email AND NOT inbound)) AS brand_asked_email,
    toBool(max(ask_phone AND NOT inbound)) AS brand_asked_phone,
    minIfOrNull(seq, ask_dm AND NOT inbound) AS dm_ask_seq,
    minIfOrNull(seq, ask_email AND NOT inbound) AS email_ask_seq,
    minIfOrNull(seq, ask_phone AND NOT inbound) AS phone_ask_seq,
    maxIfOrNull(seq, says_dm AND inbound) AS dm_said_seq,
    maxIfOrNull(seq, says_email AND inbound) AS email_said_seq,
    maxIfOrNull(seq, says_phone AND inbound) AS phone_said_seq
  FROM process_message_signals GROUP BY conv
)
SELECT *,
  multiIf(
    last_customer_confirms AND first_brand_seq < last_customer_seq, 'customer_confirmed',
    NOT last_inbound AND last_closes AND ${millis(AS_OF)} - ${millis('ended_at')} >= {window_hours:UInt32} * 3600000, 'brand_closed_no_return',
    NULL) AS resolution_signal
FROM base`;

export const CREATE_CONVERSATIONS = `
CREATE TABLE conversations_out ENGINE = Memory AS
WITH delays AS (
  SELECT conv, ${round('quantileExactInclusive(0.5)(delay_ms) / 60000.0', 2)} AS median_response_minutes FROM process_reply_delays GROUP BY conv
)
SELECT
  ${CONVERSATION_ID('r.conv')} AS conversation_id,
  {platform:String} AS platform_type,
  i.customer_id AS customer_id,
  coalesce(b.replying_brand, i.first_mention) AS brand,
  i.thread_root_id AS thread_root_id,
  r.started_at AS started_at,
  r.ended_at AS ended_at,
  r.message_count AS message_count,
  r.customer_messages AS customer_messages,
  r.brand_messages AS brand_messages,
  r.turns AS turns,
  if(r.last_inbound, 'customer', 'brand') AS last_speaker,
  multiIf(r.resolution_signal IS NOT NULL, 'none', r.last_inbound, 'brand', 'customer') AS awaiting_reply_from,
  if(r.first_brand_at >= r.first_customer_at, ${millis('r.first_brand_at')} - ${millis('r.first_customer_at')}, NULL) AS first_response_ms,
  ${round('first_response_ms / 60000.0', 2)} AS first_response_minutes,
  d.median_response_minutes AS median_response_minutes,
  ${round(`(${millis(AS_OF)} - ${millis('r.last_customer_at')}) / 3600000.0`, 2)} AS hours_since_last_customer_message,
  r.sentiment_start AS customer_sentiment_start,
  r.sentiment_end AS customer_sentiment_end,
  ${round('r.sentiment_end - r.sentiment_start', 4)} AS sentiment_trend,
  toJSONString(ifNull(c.urgency_terms, [])) AS urgency_terms,
  toJSONString(ifNull(c.escalation_terms, [])) AS escalation_terms,
  ifNull(t.topic, 'other') AS topic,
  toJSONString(ifNull(t.terms, [])) AS topic_terms,
  r.brand_asked_dm AS brand_asked_dm,
  r.brand_asked_email AS brand_asked_email,
  r.brand_asked_phone AS brand_asked_phone,
  toJSONString(arrayConcat(
    ${CHANNEL_IF('dm_said_seq', 'dm_ask_seq', 'twitter_dm')},
    ${CHANNEL_IF('email_said_seq', 'email_ask_seq', 'email_reply')},
    ${CHANNEL_IF('phone_said_seq', 'phone_ask_seq', 'scheduling_phone_call')})) AS customer_moved_to,
  if(r.resolution_signal IS NULL, 'open', 'resolved') AS resolution_status,
  r.resolution_signal AS resolution_signal,
  ${AS_OF} AS as_of,
  toJSONString(i.recent_words) AS recent_words
FROM process_resolved r
JOIN process_ids i ON i.conv = r.conv
LEFT JOIN process_brands b ON b.conv = r.conv
LEFT JOIN process_cues c ON c.conv = r.conv
LEFT JOIN delays d ON d.conv = r.conv
LEFT JOIN process_topics t ON t.conv = r.conv`;

export const CREATE_CONVERSATION_MESSAGES = `
CREATE TABLE conversation_messages_out ENGINE = Memory AS
SELECT ${CONVERSATION_ID('conv')} AS conversation_id, external_id, toInt64(seq) AS seq, inbound FROM process_messages`;

const SENTIMENT_LABEL = `multiIf(customer_sentiment_end >= 0.05, 'positive', customer_sentiment_end <= -0.05, 'negative', 'neutral')`;

/**
 * One pass over a customer's tweets and one over their conversations. The three peak hours are the hours with the
 * most tweets, ties to the earlier hour; the dominant sentiment and topic are the most frequent, ties to the first in
 * byte order (sumMap's keys come sorted, and indexOf finds the first of the highest counts): the same choices as
 * CREATE_PROFILES of duckdb.sql.ts, which ranks them with windows.
 */
export const CREATE_PROFILES = `
CREATE TABLE customer_profiles_out ENGINE = Memory AS
WITH own AS (
  SELECT customer_id, total_interactions, first_interaction_at, last_interaction_at, arrayMap(h -> countEqual(hours, h), range(24)) AS hour_counts
  FROM (
    SELECT author AS customer_id, toInt64(count()) AS total_interactions, min(ts) AS first_interaction_at, max(ts) AS last_interaction_at,
      groupArray(toHour(ts)) AS hours
    FROM process_customer_tweets GROUP BY author
  )
),
convs AS (
  SELECT customer_id, toInt64(count()) AS conversations,
    toInt64(countIf(resolution_status = 'open')) AS open_conversations,
    ${round('avg(first_response_ms) / 60000.0', 2)} AS avg_brand_response_minutes,
    ${round(`countIf(resolution_status = 'resolved') / count()`, 4)} AS resolution_rate,
    sumMap([${SENTIMENT_LABEL}], [toUInt64(1)]) AS labels,
    sumMap([topic], [toUInt64(1)]) AS topics,
    arraySort(groupUniqArrayArray(JSONExtract(customer_moved_to, 'Array(String)'))) AS channels_accepted
  FROM conversations_out GROUP BY customer_id
)
SELECT o.customer_id AS customer_id, {platform:String} AS platform_type,
  ifNull(c.conversations, 0) AS conversations, ifNull(c.open_conversations, 0) AS open_conversations,
  o.total_interactions AS total_interactions, o.first_interaction_at AS first_interaction_at, o.last_interaction_at AS last_interaction_at,
  toJSONString(o.hour_counts) AS active_hours,
  toJSONString(arraySlice(arraySort(h -> (-o.hour_counts[h + 1], h), arrayFilter(h -> o.hour_counts[h + 1] > 0, range(24))), 1, 3)) AS peak_hours,
  c.avg_brand_response_minutes AS avg_brand_response_minutes, ifNull(c.resolution_rate, 0) AS resolution_rate,
  if(c.customer_id IS NULL, 'neutral', c.labels.1[indexOf(c.labels.2, arrayMax(c.labels.2))]) AS dominant_sentiment,
  if(c.customer_id IS NULL, 'other', c.topics.1[indexOf(c.topics.2, arrayMax(c.topics.2))]) AS dominant_topic,
  toJSONString(ifNull(c.channels_accepted, CAST([], 'Array(String)'))) AS channels_accepted,
  ${AS_OF} AS as_of
FROM own o
LEFT JOIN convs c ON c.customer_id = o.customer_id`;

export const SUMMARY = `
SELECT (SELECT count() FROM conversations_out) AS conversations,
  (SELECT count() FROM customer_profiles_out) AS customers,
  (SELECT countIf(resolution_status = 'open') FROM conversations_out) AS open_conversations,
  (SELECT countIf(resolution_status = 'resolved') FROM conversations_out) AS resolved_conversations`;

/**
 * The outputs' copy from the work tables into the tables that replace them, sorted and written by two threads (one by
 * default): on the 2.8M-row file the three inserts took 4.5 and 5.2 s against 6.5 and 7.4 s, alternating, at the same peak.
 */
export const OUTPUT_INSERT_SETTINGS = { max_insert_threads: 2 } as const;

export const insertOutputFromWorkTable = (columns: string[], target: string, source: string) =>
  `INSERT INTO ${target} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${source}`;

/**
 * The work tables each statement is the last to read: they are Memory tables, so dropping them after it frees their
 * memory for the statements that follow. With the messages' order, the conversations' parts and the resolved counts
 * each built apart, the process peaked at 2.44 GB on the 2.8M-row file (4.28 GB before, in 19.8 to 20.5 s against
 * 21.6 to 22.4 s), with the same three tables out (cityHash64 over every column).
 */
export const LAST_READ_BY: ReadonlyMap<string, readonly string[]> = new Map([
  [CREATE_ORDER, ['process_pointers']],
  [CREATE_MESSAGES, ['process_order']],
  [CREATE_CUSTOMER_TWEETS, ['process_tweets']],
  [CREATE_CUES, ['process_hits']],
  [CREATE_CONVERSATION_MESSAGES, ['process_messages']],
  [CREATE_RESOLVED, ['process_message_signals']],
  [CREATE_CONVERSATIONS, ['process_resolved', 'process_reply_delays', 'process_topics', 'process_cues', 'process_ids', 'process_brands']],
  [CREATE_PROFILES, ['process_customer_tweets']],
]);

/** The features' statements in order: each part of the conversations is built, and its sources dropped, before them. */
export const FEATURE_STATEMENTS = [
  CREATE_HITS,
  CREATE_MESSAGE_SIGNALS,
  CREATE_REPLY_DELAYS,
  CREATE_TOPICS,
  CREATE_CUES,
  CREATE_IDS,
  CREATE_BRANDS,
  CREATE_CONVERSATION_MESSAGES,
  CREATE_RESOLVED,
  CREATE_CONVERSATIONS,
] as const;

