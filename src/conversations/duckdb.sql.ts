// Conversations, features and customer profiles as DuckDB SQL over a `tweets` table and a `lexicon` table.
// clickhouse.sql.ts holds the same steps in ClickHouse SQL; a test runs both on the same data and compares.
// Bound values: $platform, $as_of (ISO text), $window_hours (resolution window). Durations are integer milliseconds until
// the last step, and rounding is floor(x * 10^n + 0.5) / 10^n, so both engines do the same float operations in the same order.
//
// The work is keyed by integers: a tweet is its rowid in `tweets`, a conversation is (root_ptr, customer_id) until the
// last step gives it its md5 id. Lexicon hits are folded per message in one pass, and the terms a conversation lists
// (cues, topic terms) travel as 64-bit masks over each list (see termSets), so no step groups lists of strings.
import { loadLexicon, termSets, topicNames, type TermSet } from '../model/lexicon.js';

/** A DuckDB string literal list (standard SQL: a quote is doubled, a backslash is an ordinary character). */
const sqlList = (names: readonly string[]) => names.map((name) => `'${name.replace(/'/g, "''")}'`).join(', ');

const AS_OF = `CAST($as_of AS TIMESTAMPTZ)`;
const round = (expr: string, digits: number) => `(floor((${expr}) * ${10 ** digits} + 0.5) / ${10 ** digits})`;

const LEXICON = loadLexicon();
const SETS = termSets(LEXICON);
const TOPICS = topicNames(LEXICON);
const setOf = (kind: TermSet['kind'], topic = '') => SETS.find((set) => set.kind === kind && set.topic === topic) ?? { kind, topic, terms: [] };
const TOPIC_INDEXES = TOPICS.map((_, i) => i + 1);

/** The bit of a lexicon row within its term set (see termSets); -1 for kinds that are not listed. */
export function termBit(row: { kind: string; topic: string; term: string }): number {
  if (row.kind !== 'urgency' && row.kind !== 'escalation' && row.kind !== 'topic') return -1;
  return setOf(row.kind, row.topic).terms.indexOf(row.term);
}

/** The listed terms whose bits are set, in list order (byte order, as the ClickHouse engine sorts them). */
const termsOf = (mask: string, set: TermSet) =>
  set.terms.length === 0 ? `[]::VARCHAR[]` : `list_filter([${sqlList(set.terms)}], (term, i) -> ((coalesce(${mask}, 0::UBIGINT) >> (i - 1)) & 1::UBIGINT) = 1)`;
const topicName = (index: string) => `coalesce([${sqlList(TOPICS)}][${index}], 'other')`;

/** Nothing below depends on the order rows are stored in (every order is spelled out), so DuckDB need not keep it. */
export const SESSION_SETTINGS = `SET preserve_insertion_order = false`;

/** How many interactions were read, and the newest one's time (process's default as-of). */
export const TWEET_STATS = `SELECT count(*)::INTEGER AS interactions, epoch_ms(max(ts))::DOUBLE AS newest_ms FROM tweets`;

export const LEXICON_TABLE = `
CREATE OR REPLACE TEMP TABLE lexicon (kind VARCHAR, term VARCHAR, topic VARCHAR, score INTEGER, rank INTEGER, bit INTEGER)`;

/** Word tokens: lower-case runs of [a-z0-9']; cue words match whole tokens only. ClickHouse exports do this themselves. */
export const TOKENIZE = `regexp_extract_all(lower(coalesce(text, '')), '[a-z0-9'']+')`;
export const SPLIT_WORDS = `CASE WHEN coalesce(words, '') = '' THEN []::VARCHAR[] ELSE string_split(words, ' ') END`;
/**
 * A list's distinct values in byte order: sorted, then each kept where it differs from the one before. The same list as
 * list_sort(list_distinct(...)) in about half the time of DuckDB's list_distinct on strings.
 */
const sortedDistinct = (list: string) => `list_transform([list_sort(${list})], l -> list_filter(l, (x, i) -> i = 1 OR x <> l[i - 1]))[1]`;
/**
 * A customer tweet's distinct tokens in byte order, space-joined (ClickHouse ships this itself); NULL for a brand's.
 * Reads `tokens` of the same select. conversationWordsSql relies on the order.
 */
export const CUSTOMER_WORDS_OF_TOKENS = `CASE WHEN inbound::BOOLEAN THEN array_to_string(${sortedDistinct('tokens')}, ' ') END`;
/** The distinct words of space-joined texts, in byte order. */
const SORTED_DISTINCT_WORDS = (text: string) => sortedDistinct(`list_filter(string_split(${text}, ' '), x -> x <> '')`);
/**
 * A reply keeps its pointer only to a parent that comes before it in the order messages are numbered in (time, then
 * id): time does not go backwards, so self-replies and reply cycles in broken data lose the pointer that closes the
 * loop, and the parent graph is a forest. The same rule is PARENT_PRECEDES in clickhouse.sql.ts. It is applied after
 * the join, not in its ON clause: an OR there turns DuckDB's hash join into a nested-loop join.
 */
const PARENT_PRECEDES = `(p.ts < t.ts OR (p.ts = t.ts AND p.external_id < t.external_id))`;

/**
 * Thread pointers over tweet rowids: root_ptr climbs to the thread root, anchor_ptr to the customer tweet a brand tweet
 * answers (NULL when there is none). A pointer is final once it points at its end (a root; a customer tweet or nothing).
 * A brand reply's delay is known here already: its parent is the customer tweet it answers, in the same conversation.
 */
export const CREATE_POINTERS = `
CREATE OR REPLACE TEMP TABLE pointers AS
SELECT idx,
  CASE WHEN kept THEN parent ELSE idx END AS root_ptr, NOT kept AS root_final,
  CASE WHEN inbound THEN idx WHEN kept THEN parent END AS anchor_ptr, inbound OR NOT kept OR parent_inbound AS anchor_final,
  CASE WHEN kept AND NOT inbound AND parent_inbound THEN epoch_ms(ts) - epoch_ms(parent_ts) END AS reply_delay_ms
FROM (
  SELECT t.rowid AS idx, t.inbound, t.ts, p.rowid AS parent, p.inbound AS parent_inbound, p.ts AS parent_ts,
    coalesce(${PARENT_PRECEDES}, false) AS kept
  FROM tweets t LEFT JOIN tweets p ON p.external_id = t.parent_id
)`;

/**
 * One pointer-doubling step for the thread roots: every root pointer that is not final jumps to its target's, and is
 * final when that one was. Final rows are copied as they are, so each step joins only the tweets still climbing.
 */
export const STEP_ROOTS = `
CREATE OR REPLACE TEMP TABLE pointers AS
SELECT * FROM pointers WHERE root_final
UNION ALL
SELECT p.idx, r.root_ptr, r.root_final, p.anchor_ptr, p.anchor_final, p.reply_delay_ms
FROM (SELECT * FROM pointers WHERE NOT root_final) p
JOIN (SELECT idx, root_ptr, root_final FROM pointers) r ON r.idx = p.root_ptr`;

/** The same for anchors, which climb only through brand tweets answering brand tweets (rare: most steps have none). */
export const STEP_ANCHORS = `
CREATE OR REPLACE TEMP TABLE pointers AS
SELECT * FROM pointers WHERE anchor_final
UNION ALL
SELECT p.idx, p.root_ptr, p.root_final, a.anchor_ptr, coalesce(a.anchor_final, true), p.reply_delay_ms
FROM (SELECT * FROM pointers WHERE NOT anchor_final) p
LEFT JOIN (SELECT idx, anchor_ptr, anchor_final FROM pointers) a ON a.idx = p.anchor_ptr`;

/** Stop when nothing is left to climb (the parent graph has no cycles, so every pointer reaches its end). */
export const COUNT_ROOTS_LEFT = `SELECT (count(*) FILTER (WHERE NOT root_final))::INTEGER AS climbing FROM pointers`;
export const COUNT_ANCHORS_LEFT = `SELECT (count(*) FILTER (WHERE NOT anchor_final))::INTEGER AS climbing FROM pointers`;

/**
 * Every tweet that belongs to a customer's conversation: (thread root, customer) is the conversation. The anchor is a
 * customer tweet by construction; the join says so, so that no conversation can have a brand account as its customer.
 */
export const CREATE_MESSAGES = `
CREATE OR REPLACE TEMP TABLE messages AS
SELECT *, row_number() OVER w AS seq, coalesce(inbound <> lag(inbound) OVER w, false) AS speaker_changed
FROM (
  SELECT p.idx, p.root_ptr, c.author AS customer_id, t.external_id, t.author, t.inbound, t.ts, t.first_mention, p.reply_delay_ms, t.customer_words
  FROM pointers p
  JOIN tweets t ON t.rowid = p.idx
  JOIN tweets c ON c.rowid = p.anchor_ptr AND c.inbound
)
WINDOW w AS (PARTITION BY root_ptr, customer_id ORDER BY ts, external_id)`;

/**
 * Work tables no later step reads, dropped as soon as they are done with so that DuckDB's memory goes to the steps
 * after them: kept, they made process spill up to 900 MB to disk on the 2.8M-row file (compressed on the way out and
 * read back), from conversation features on. Tweets keep their row ids when a column goes (messages point at them).
 */
export const DROP_POINTERS = [`DROP TABLE pointers`];
export const DROP_TOKENS = [`ALTER TABLE tweets DROP COLUMN tokens`];
/** What only building the messages and their keys read: tweets keep their author, time and direction for the profiles. */
export const DROP_THREAD_COLUMNS = [`ALTER TABLE tweets DROP COLUMN parent_id`, `ALTER TABLE tweets DROP COLUMN external_id`, `ALTER TABLE tweets DROP COLUMN first_mention`, `ALTER TABLE tweets DROP COLUMN customer_words`];
/** Once each conversation's listed terms are found, the messages are done with (the conversation tables hold the rest). */
export const DROP_MESSAGES = [
  `DROP VIEW conversation_messages_out`,
  `DROP VIEW message_features`,
  `DROP TABLE message_signals`,
  `DROP TABLE listed_hits`,
  `DROP TABLE messages`,
];
export const DROP_CONVERSATION_PARTS = [
  `DROP TABLE conversation_list_hits`,
  `DROP TABLE conversation_features`,
  `DROP TABLE conversation_words`,
  `DROP TABLE conversation_brands`,
  `DROP TABLE conversation_lists`,
  `DROP TABLE conversation_keys`,
];

/** A conversation's id: md5 of platform, thread root and customer, so the same data always gives the same ids. */
export const CREATE_CONVERSATION_KEYS = `
CREATE OR REPLACE TEMP TABLE conversation_keys AS
SELECT k.root_ptr, k.customer_id, root.external_id AS thread_root_id,
  md5($platform || ':' || root.external_id || ':' || k.customer_id) AS conversation_id
FROM (SELECT root_ptr, customer_id FROM messages WHERE seq = 1) k JOIN tweets root ON root.rowid = k.root_ptr`;

/** A view: the export streams it straight into the file. */
export const CREATE_CONVERSATION_MESSAGES = `
CREATE OR REPLACE TEMP VIEW conversation_messages_out AS
SELECT k.conversation_id, m.external_id, m.seq::INTEGER AS seq, m.inbound
FROM messages m JOIN conversation_keys k USING (root_ptr, customer_id)`;

/** What a term can signal, as bits: customers' words and brands' words signal different things. */
const CUSTOMER_FLAGS = { confirm: 1, negation: 2, says_dm: 4, says_email: 8, says_phone: 16 } as const;
const BRAND_FLAGS = { closing: 1, ask_dm: 2, ask_email: 4, ask_phone: 8 } as const;
const flagSum = (flags: Record<string, number>, kinds: Record<string, string>) =>
  Object.entries(flags)
    .map(([name, bit]) => `CASE WHEN bool_or(kind IN (${kinds[name]})) THEN ${bit} ELSE 0 END`)
    .join(' + ');

/** One row per distinct term with its sentiment score and flags, so a token matches at most one row. */
export const CREATE_LEXICON_TERMS = `
CREATE OR REPLACE TEMP TABLE lexicon_terms AS
SELECT term, coalesce(sum(score) FILTER (WHERE kind = 'sentiment'), 0) AS score,
  (${flagSum(CUSTOMER_FLAGS, { confirm: `'gratitude', 'fixed'`, negation: `'negation'`, says_dm: `'customer_dm'`, says_email: `'customer_email'`, says_phone: `'customer_phone'` })})::UTINYINT AS customer_flags,
  (${flagSum(BRAND_FLAGS, { closing: `'closing'`, ask_dm: `'ask_dm'`, ask_email: `'ask_email'`, ask_phone: `'ask_phone'` })})::UTINYINT AS brand_flags
FROM lexicon GROUP BY term`;

/**
 * Per-message signals from its tokens, in one pass: the sentiment of a customer's words (VADER-normalised:
 * s / sqrt(s^2 + 15), in [-1, 1]) and the OR of its words' flags (customer or brand flags, by who wrote it). Only messages
 * with a matching token get a row (message_features fills in the rest).
 */
export const CREATE_MESSAGE_SIGNALS = `
CREATE OR REPLACE TEMP TABLE message_signals AS
SELECT idx, floor(coalesce(raw, 0) / sqrt(coalesce(raw, 0) * coalesce(raw, 0) + 15) * 10000 + 0.5)::INTEGER AS sentiment_k, flags
FROM (
  SELECT u.idx, sum(CASE WHEN u.inbound THEN l.score END) AS raw, bit_or(CASE WHEN u.inbound THEN l.customer_flags ELSE l.brand_flags END) AS flags
  FROM (SELECT rowid AS idx, inbound, unnest(tokens) AS token FROM tweets) u
  JOIN lexicon_terms l ON l.term = u.token
  GROUP BY u.idx
)`;

const flag = (side: 'm.inbound' | 'NOT m.inbound', bit: number) => `(${side} AND coalesce(s.flags & ${bit} <> 0, false))`;

/**
 * Each message with its signals (no matching token: neutral, nothing confirmed, asked or said). A customer's message
 * confirms with a thanks or fix word and no negation; it denies with both ("still not fixed", "thanks but not working").
 */
export const CREATE_MESSAGE_FEATURES = `
CREATE OR REPLACE TEMP VIEW message_features AS
SELECT m.*,
  coalesce(s.sentiment_k, 0) AS sentiment_k, coalesce(s.sentiment_k, 0) / 10000 AS sentiment,
  ${flag('m.inbound', CUSTOMER_FLAGS.confirm)} AND NOT ${flag('m.inbound', CUSTOMER_FLAGS.negation)} AS confirms,
  ${flag('m.inbound', CUSTOMER_FLAGS.confirm)} AND ${flag('m.inbound', CUSTOMER_FLAGS.negation)} AS denies,
  ${flag('NOT m.inbound', BRAND_FLAGS.closing)} AS closes,
  ${flag('NOT m.inbound', BRAND_FLAGS.ask_dm)} AS ask_dm,
  ${flag('NOT m.inbound', BRAND_FLAGS.ask_email)} AS ask_email,
  ${flag('NOT m.inbound', BRAND_FLAGS.ask_phone)} AS ask_phone,
  ${flag('m.inbound', CUSTOMER_FLAGS.says_dm)} AS says_dm,
  ${flag('m.inbound', CUSTOMER_FLAGS.says_email)} AS says_email,
  ${flag('m.inbound', CUSTOMER_FLAGS.says_phone)} AS says_phone
FROM messages m LEFT JOIN message_signals s USING (idx)`;

/** Lists a conversation names terms from: 1..n the topics in taxonomy order, then urgency and escalation cues. */
export const TOPIC_LISTS = TOPICS.length;
export const URGENCY_LIST = TOPICS.length + 1;
export const ESCALATION_LIST = TOPICS.length + 2;
/** The topic of list n, as a DuckDB list literal indexed by n. */
export const TOPIC_NAMES = `[${sqlList(TOPICS)}]`;
const LIST_NO = `CASE l.kind WHEN 'urgency' THEN ${URGENCY_LIST} WHEN 'escalation' THEN ${ESCALATION_LIST} ELSE l.rank END`;

/** Customers' tokens that are listed terms (cues and topic words), one row per occurrence: which list and which bit. */
export const CREATE_LISTED_HITS = `
CREATE OR REPLACE TEMP TABLE listed_hits AS
SELECT u.idx, ${LIST_NO} AS list_no, l.bit
FROM (SELECT rowid AS idx, unnest(tokens) AS token FROM tweets WHERE inbound) u
JOIN lexicon l ON l.term = u.token
WHERE l.kind IN ('urgency', 'escalation', 'topic')`;

/**
 * Which messages a conversation's features are computed over, and as of when: process takes every message of each
 * conversation as of $as_of; the backtest takes, for each brand reply, the messages of its customer's conversations
 * that came before it, as of the reply. The same SQL below computes the features of either, so both define them once.
 */
export interface FeatureScope {
  /** Prefix of the scope's work tables ('' for process). */
  prefix: string;
  /** A relation with message_features' columns (and the extra keys), one row per message in scope. */
  messages: string;
  /** The grouping keys: root_ptr and customer_id (a conversation), after any keys of the scope's own. */
  keys: readonly string[];
  /** The as-of time: a bound value, or a column of the relation `join` adds. */
  asOf: string;
  /** Joined to each conversation's row to reach the as-of time (empty for process). */
  join: string;
  /** The table the conversation rows go to. */
  output: string;
  /** Which conversations get a row (and recent words): a condition on the conversation `c` and `join`'s columns. */
  rows: string;
}

export const PROCESS_SCOPE: FeatureScope = {
  prefix: '',
  messages: 'message_features',
  keys: ['root_ptr', 'customer_id'],
  asOf: AS_OF,
  join: '',
  output: 'conversations_out',
  rows: 'true',
};

const keyList = (scope: FeatureScope, alias = '') => scope.keys.map((key) => `${alias}${key}`).join(', ');

/** Per conversation and list: how often its terms were seen, and which (a bit mask). */
export const conversationListHitsSql = (scope: FeatureScope) => `
CREATE OR REPLACE TEMP TABLE ${scope.prefix}conversation_list_hits AS
SELECT ${keyList(scope, 'm.')}, h.list_no, count(*) AS hits, bit_or(1::UBIGINT << h.bit) AS mask
FROM listed_hits h JOIN ${scope.messages} m USING (idx)
GROUP BY ${keyList(scope, 'm.')}, h.list_no`;
export const CREATE_CONVERSATION_LIST_HITS = conversationListHitsSql(PROCESS_SCOPE);

/** A mask's terms as JSON, in list order (byte order, as the ClickHouse engine sorts them). */
const LIST_TERMS_JSON = `to_json(CASE list_no ${[
  ...TOPIC_INDEXES.map((i) => `WHEN ${i} THEN ${termsOf('mask', setOf('topic', TOPICS[i - 1]))}`),
  `WHEN ${URGENCY_LIST} THEN ${termsOf('mask', setOf('urgency'))}`,
  `WHEN ${ESCALATION_LIST} THEN ${termsOf('mask', setOf('escalation'))}`,
].join(' ')} END)::VARCHAR`;

/**
 * Per conversation: its cue terms and its topic (most hits, ties by taxonomy order) with the topic's terms. Masks are
 * spelled out once per distinct mask, not once per conversation.
 */
export const conversationListsSql = (scope: FeatureScope) => `
CREATE OR REPLACE TEMP TABLE ${scope.prefix}conversation_lists AS
WITH spelled AS (
  SELECT list_no, mask, ${LIST_TERMS_JSON} AS terms FROM (SELECT DISTINCT list_no, mask FROM ${scope.prefix}conversation_list_hits)
)
SELECT ${keyList(scope, 'h.')},
  any_value(s.terms) FILTER (WHERE h.list_no = ${URGENCY_LIST}) AS urgency_terms,
  any_value(s.terms) FILTER (WHERE h.list_no = ${ESCALATION_LIST}) AS escalation_terms,
  arg_max(h.list_no, h.hits * 1000 - h.list_no) FILTER (WHERE h.list_no <= ${TOPICS.length}) AS topic_index,
  arg_max(s.terms, h.hits * 1000 - h.list_no) FILTER (WHERE h.list_no <= ${TOPICS.length}) AS topic_terms
FROM ${scope.prefix}conversation_list_hits h JOIN spelled s USING (list_no, mask)
GROUP BY ${keyList(scope, 'h.')}`;
export const CREATE_CONVERSATION_LISTS = conversationListsSql(PROCESS_SCOPE);


/**
 * Where a conversation's recent words come from: the positions of its customer's last two messages (newest first), an
 * aggregate over its messages. Integers are cheap to keep in the feature step's group-by; the words are read after.
 */
export const RECENT_SEQS = `max(seq, 2) FILTER (WHERE inbound)`;

/**
 * A message's sentiment packed after its position, so that min/max give the first/last customer message's sentiment
 * (cheaper than arg_min/arg_max): seq * 100000 + (sentiment in ten-thousandths, shifted to 0..20000).
 */
const PACKED_SENTIMENT = `seq * 100000 + sentiment_k + 10000`;
const unpackSentiment = (packed: string) => `(((${packed}) % 100000 - 10000) / 10000)`;

/**
 * Everything a conversation's row needs, in one group-by over its messages. seq runs 1..n, so "the last message" is
 * the one whose seq is the count; asks, mentions and confirmations are already false on the other side's messages.
 */
export const conversationFeaturesSql = (scope: FeatureScope) => `
CREATE OR REPLACE TEMP TABLE ${scope.prefix}conversation_features AS
SELECT ${keyList(scope)},
  min(ts) AS started_at, max(ts) AS ended_at, count(*)::INTEGER AS message_count,
  (count(*) FILTER (WHERE inbound))::INTEGER AS customer_messages,
  (count(*) FILTER (WHERE NOT inbound))::INTEGER AS brand_messages,
  (1 + count(*) FILTER (WHERE speaker_changed))::INTEGER AS turns,
  max(seq) FILTER (WHERE inbound) = count(*) AS last_inbound,
  coalesce(max(seq) FILTER (WHERE closes) = count(*), false) AS last_closes,
  min(ts) FILTER (WHERE inbound) AS first_customer_at,
  max(ts) FILTER (WHERE inbound) AS last_customer_at,
  min(ts) FILTER (WHERE NOT inbound) AS first_brand_at,
  min(seq) FILTER (WHERE NOT inbound) AS first_brand_seq,
  ${unpackSentiment(`min(${PACKED_SENTIMENT}) FILTER (WHERE inbound)`)} AS sentiment_start,
  ${unpackSentiment(`max(${PACKED_SENTIMENT}) FILTER (WHERE inbound)`)} AS sentiment_end,
  coalesce(max(seq) FILTER (WHERE confirms) = max(seq) FILTER (WHERE inbound), false) AS last_customer_confirms,
  max(seq) FILTER (WHERE inbound) AS last_customer_seq,
  min(seq) FILTER (WHERE ask_dm) AS dm_ask_seq,
  min(seq) FILTER (WHERE ask_email) AS email_ask_seq,
  min(seq) FILTER (WHERE ask_phone) AS phone_ask_seq,
  max(seq) FILTER (WHERE says_dm) AS dm_said_seq,
  max(seq) FILTER (WHERE says_email) AS email_said_seq,
  max(seq) FILTER (WHERE says_phone) AS phone_said_seq,
  arg_min(first_mention, seq) FILTER (WHERE inbound) AS first_mention,
  min(author) FILTER (WHERE NOT inbound) AS brand_low,
  max(author) FILTER (WHERE NOT inbound) AS brand_high,
  ${round('quantile_cont(reply_delay_ms, 0.5) / 60000.0', 2)} AS median_response_minutes,
  ${RECENT_SEQS} AS recent_seqs
FROM ${scope.messages} GROUP BY ${keyList(scope)}`;
export const CREATE_CONVERSATION_FEATURES = conversationFeaturesSql(PROCESS_SCOPE);

/**
 * The brand that wrote most of a conversation's replies (ties: the first name in byte order), counted only for the
 * few conversations answered by more than one account; the others have one name (brand_low = brand_high).
 */
export const conversationBrandsSql = (scope: FeatureScope) => `
CREATE OR REPLACE TEMP TABLE ${scope.prefix}conversation_brands AS
SELECT ${keyList(scope)}, first(author ORDER BY n DESC, author) AS brand FROM (
  SELECT ${keyList(scope, 'm.')}, m.author, count(*) AS n
  FROM ${scope.messages} m
  SEMI JOIN (SELECT ${keyList(scope)} FROM ${scope.prefix}conversation_features WHERE brand_low <> brand_high) f USING (${keyList(scope)})
  WHERE NOT m.inbound
  GROUP BY ${keyList(scope, 'm.')}, m.author
) GROUP BY ${keyList(scope)}`;
export const CREATE_CONVERSATION_BRANDS = conversationBrandsSql(PROCESS_SCOPE);

/**
 * The distinct words of the customer's last two messages, in byte order: those two messages are found by position in
 * `messages` (a scope's messages keep their conversation's positions). A tweet's words are already distinct and sorted
 * (CUSTOMER_WORDS_OF_TOKENS, or ClickHouse's export), so a conversation whose customer wrote one message (six in ten on
 * the 2.8M-row file) takes them as they are; two messages' words are sorted together, each kept where it differs from
 * the one before. clickhouse.sql.ts has the twin (RECENT_WORDS). Kept inside the feature step's group-by as the top two
 * of a string argument (arg_max(customer_words, seq, 2)), the words took that step from 2.4-3.5 s to 6.1-9.2 s on that
 * file; found by position they take 2.8 s, and the backtest's cuts 5.3 s where they took about 7.
 * The words come out as the JSON text the conversation row stores. A token is a run of [a-z0-9'], none of which JSON
 * escapes, so one message's words are spelled as JSON by joining them; to_json over 850k lists took 0.6 to 1.2 s.
 */
export const conversationWordsSql = (scope: FeatureScope) => `
CREATE OR REPLACE TEMP TABLE ${scope.prefix}conversation_words AS
WITH said AS (SELECT root_ptr, customer_id, seq, customer_words FROM messages WHERE inbound)
SELECT ${keyList(scope, 'f.')}, CASE
    WHEN w2.customer_words IS NULL THEN CASE WHEN coalesce(w1.customer_words, '') = '' THEN '[]' ELSE '["' || replace(w1.customer_words, ' ', '","') || '"]' END
    ELSE to_json(${SORTED_DISTINCT_WORDS(`concat_ws(' ', w1.customer_words, w2.customer_words)`)})::VARCHAR
  END AS recent_words
FROM (
  SELECT ${keyList(scope, 'c.')}, c.recent_seqs[1] AS last_seq, c.recent_seqs[2] AS previous_seq
  FROM ${scope.prefix}conversation_features c ${scope.join}
  WHERE len(c.recent_seqs) > 0 AND ${scope.rows}
) f
JOIN said w1 ON w1.root_ptr = f.root_ptr AND w1.customer_id = f.customer_id AND w1.seq = f.last_seq
LEFT JOIN said w2 ON w2.root_ptr = f.root_ptr AND w2.customer_id = f.customer_id AND w2.seq = f.previous_seq`;
export const CREATE_CONVERSATION_WORDS = conversationWordsSql(PROCESS_SCOPE);

/**
 * How a conversation resolved, from its feature row as of `asOf` (NULL while open): the customer confirmed after a brand
 * reply, or the brand closed and the customer stayed silent for $window_hours.
 */
export const resolutionSignalSql = (asOf: string) => `CASE
      WHEN last_customer_confirms AND first_brand_seq < last_customer_seq THEN 'customer_confirmed'
      WHEN NOT last_inbound AND last_closes AND epoch_ms(${asOf}) - epoch_ms(ended_at) >= $window_hours * 3600000 THEN 'brand_closed_no_return'
    END`;

export const conversationsSql = (scope: FeatureScope) => `
CREATE OR REPLACE TEMP TABLE ${scope.output} AS
WITH f AS (
  SELECT c.*, l.urgency_terms, l.escalation_terms, coalesce(l.topic_index, 0) AS topic_index, l.topic_terms, ${scope.asOf} AS scope_as_of,
    ${resolutionSignalSql(scope.asOf)} AS resolution_signal,
    CASE WHEN first_brand_at >= first_customer_at THEN epoch_ms(first_brand_at) - epoch_ms(first_customer_at) END AS first_response_ms,
    coalesce(dm_said_seq > dm_ask_seq, false) AS moved_dm,
    coalesce(email_said_seq > email_ask_seq, false) AS moved_email,
    coalesce(phone_said_seq > phone_ask_seq, false) AS moved_phone
  FROM ${scope.prefix}conversation_features c LEFT JOIN ${scope.prefix}conversation_lists l USING (${keyList(scope)}) ${scope.join}
  WHERE ${scope.rows}
)
SELECT ${scope.keys.filter((key) => key !== 'root_ptr' && key !== 'customer_id').map((key) => `f.${key}, `).join('')}
  k.conversation_id,
  $platform AS platform_type,
  f.customer_id,
  coalesce(CASE WHEN f.brand_low = f.brand_high THEN f.brand_low ELSE b.brand END, f.first_mention) AS brand,
  k.thread_root_id,
  f.started_at,
  f.ended_at,
  f.message_count,
  f.customer_messages,
  f.brand_messages,
  f.turns,
  CASE WHEN f.last_inbound THEN 'customer' ELSE 'brand' END AS last_speaker,
  CASE WHEN f.resolution_signal IS NOT NULL THEN 'none' WHEN f.last_inbound THEN 'brand' ELSE 'customer' END AS awaiting_reply_from,
  f.first_response_ms,
  ${round('f.first_response_ms / 60000.0', 2)} AS first_response_minutes,
  f.median_response_minutes,
  ${round(`(epoch_ms(f.scope_as_of) - epoch_ms(f.last_customer_at)) / 3600000.0`, 2)} AS hours_since_last_customer_message,
  f.sentiment_start AS customer_sentiment_start,
  f.sentiment_end AS customer_sentiment_end,
  ${round('f.sentiment_end - f.sentiment_start', 4)} AS sentiment_trend,
  coalesce(f.urgency_terms, '[]') AS urgency_terms,
  coalesce(f.escalation_terms, '[]') AS escalation_terms,
  ${topicName('f.topic_index')} AS topic,
  coalesce(f.topic_terms, '[]') AS topic_terms,
  f.dm_ask_seq IS NOT NULL AS brand_asked_dm,
  f.email_ask_seq IS NOT NULL AS brand_asked_email,
  f.phone_ask_seq IS NOT NULL AS brand_asked_phone,
  to_json(list_concat(
    CASE WHEN f.moved_dm THEN ['twitter_dm'] ELSE []::VARCHAR[] END,
    CASE WHEN f.moved_email THEN ['email_reply'] ELSE []::VARCHAR[] END,
    CASE WHEN f.moved_phone THEN ['scheduling_phone_call'] ELSE []::VARCHAR[] END))::VARCHAR AS customer_moved_to,
  CASE WHEN f.resolution_signal IS NULL THEN 'open' ELSE 'resolved' END AS resolution_status,
  f.resolution_signal,
  f.scope_as_of AS as_of,
  coalesce(w.recent_words, '[]') AS recent_words,
  f.root_ptr, f.moved_dm, f.moved_email, f.moved_phone
FROM f JOIN conversation_keys k USING (root_ptr, customer_id) LEFT JOIN ${scope.prefix}conversation_brands b USING (${keyList(scope)})
LEFT JOIN ${scope.prefix}conversation_words w USING (${keyList(scope)})`;
export const CREATE_CONVERSATIONS = conversationsSql(PROCESS_SCOPE);

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
/** hour(ts) in UTC by arithmetic: the same value, without a time-zone lookup per tweet. */
const UTC_HOUR = `((floor(epoch_ms(ts) / 3600000)::BIGINT % 24 + 24) % 24)`;
/** Hour h's sort key among a customer's hours: busier first, then earlier; NULL for an hour without tweets. */
const hourKey = (h: number) => `CASE WHEN h${h} > 0 THEN h${h} * 32 + ${31 - h} END`;
const keyBelow = (bound: string) => `greatest(${HOURS.map((h) => `CASE WHEN ${hourKey(h)} < ${bound} THEN ${hourKey(h)} END`).join(', ')})`;
const hourOf = (key: string) => `(31 - ${key} % 32)`;
/** Topics in byte order, so that a tie on conversations goes to the first name. */
const PROFILE_TOPICS = [...TOPICS, 'other'].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const topicCounts = `[${PROFILE_TOPICS.map((topic) => `count(*) FILTER (WHERE topic = ${sqlList([topic])})`).join(', ')}]`;

/** A customer's conversations and the share of them resolved, aggregated over their conversation rows (the profile's, and the backtest's as of a reply). */
export const PROFILE_CONVERSATIONS = `count(*)::INTEGER`;
export const PROFILE_RESOLUTION_RATE = round(`(count(*) FILTER (WHERE resolution_status = 'resolved')) / count(*)`, 4);

/**
 * One row per customer. The hour histogram is 24 counts, and the three busiest hours are picked with greatest() over
 * their sort keys, so no list or map is built per customer.
 */
export const CREATE_PROFILES = `
CREATE OR REPLACE TEMP TABLE customer_profiles_out AS
WITH own AS (
  SELECT author AS customer_id, count(*)::INTEGER AS total_interactions, min(ts) AS first_interaction_at, max(ts) AS last_interaction_at,
    ${HOURS.map((h) => `count(*) FILTER (WHERE hour = ${h}) AS h${h}`).join(', ')}
  FROM (SELECT author, ts, ${UTC_HOUR} AS hour FROM tweets WHERE inbound) GROUP BY author
),
peaks AS (
  SELECT *, ${keyBelow('top1')} AS top2 FROM (SELECT *, greatest(${HOURS.map(hourKey).join(', ')}) AS top1 FROM own)
),
convs AS (
  SELECT customer_id, ${PROFILE_CONVERSATIONS} AS conversations,
    (count(*) FILTER (WHERE resolution_status = 'open'))::INTEGER AS open_conversations,
    ${round('avg(first_response_ms) / 60000.0', 2)} AS avg_brand_response_minutes,
    ${PROFILE_RESOLUTION_RATE} AS resolution_rate,
    count(*) FILTER (WHERE customer_sentiment_end <= -0.05) AS negative,
    count(*) FILTER (WHERE customer_sentiment_end > -0.05 AND customer_sentiment_end < 0.05) AS neutral,
    count(*) FILTER (WHERE customer_sentiment_end >= 0.05) AS positive,
    ${topicCounts} AS topic_counts,
    bool_or(moved_dm) AS moved_dm, bool_or(moved_email) AS moved_email, bool_or(moved_phone) AS moved_phone
  FROM conversations_out GROUP BY customer_id
)
SELECT o.customer_id, $platform AS platform_type,
  coalesce(c.conversations, 0) AS conversations, coalesce(c.open_conversations, 0) AS open_conversations,
  o.total_interactions, o.first_interaction_at, o.last_interaction_at,
  to_json([${HOURS.map((h) => `o.h${h}`).join(', ')}])::VARCHAR AS active_hours,
  to_json(CASE
    WHEN o.top3 IS NOT NULL THEN [${hourOf('o.top1')}, ${hourOf('o.top2')}, ${hourOf('o.top3')}]
    WHEN o.top2 IS NOT NULL THEN [${hourOf('o.top1')}, ${hourOf('o.top2')}]
    ELSE [${hourOf('o.top1')}] END)::VARCHAR AS peak_hours,
  c.avg_brand_response_minutes, coalesce(c.resolution_rate, 0) AS resolution_rate,
  CASE WHEN c.customer_id IS NULL THEN 'neutral' WHEN c.negative >= c.neutral AND c.negative >= c.positive THEN 'negative'
    WHEN c.neutral >= c.positive THEN 'neutral' ELSE 'positive' END AS dominant_sentiment,
  coalesce([${sqlList(PROFILE_TOPICS)}][list_position(c.topic_counts, list_max(c.topic_counts))], 'other') AS dominant_topic,
  to_json(list_concat(
    CASE WHEN c.moved_email THEN ['email_reply'] ELSE []::VARCHAR[] END,
    CASE WHEN c.moved_phone THEN ['scheduling_phone_call'] ELSE []::VARCHAR[] END,
    CASE WHEN c.moved_dm THEN ['twitter_dm'] ELSE []::VARCHAR[] END))::VARCHAR AS channels_accepted,
  ${AS_OF} AS as_of
FROM (SELECT *, ${keyBelow('top2')} AS top3 FROM peaks) o LEFT JOIN convs c USING (customer_id)`;

export const SUMMARY = `
SELECT (SELECT count(*) FROM conversations_out)::INTEGER AS conversations,
  (SELECT count(*) FROM customer_profiles_out)::INTEGER AS customers,
  (SELECT count(*) FROM conversations_out WHERE resolution_status = 'open')::INTEGER AS open_conversations,
  (SELECT count(*) FROM conversations_out WHERE resolution_status = 'resolved')::INTEGER AS resolved_conversations`;
