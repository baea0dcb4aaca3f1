// Conversations, features and customer profiles as DuckDB SQL over a `tweets` table and a `lexicon` table.
// clickhouse.sql.ts holds the same steps in ClickHouse SQL; a test runs both on the same data and compares.
// Bound values: $platform, $as_of (ISO text), $window_hours (resolution window). Durations are integer milliseconds until
// the last step, and rounding is floor(x * 10^n + 0.5) / 10^n, so both engines do the same float operations in the same order.
import { BRAND_KINDS, CUSTOMER_KINDS, sqlList } from './lexicon.js';

/** Only the hits a feature reads: customers' words for sentiment, cues, topics and confirmations; brands' for asks and closings. */
const HIT_NEEDED = `((m.inbound AND l.kind IN (${sqlList(CUSTOMER_KINDS)})) OR (NOT m.inbound AND l.kind IN (${sqlList(BRAND_KINDS)})))`;

const AS_OF = `CAST($as_of AS TIMESTAMPTZ)`;
const round = (expr: string, digits: number) => `(floor((${expr}) * ${10 ** digits} + 0.5) / ${10 ** digits})`;

export const LEXICON_TABLE = `
CREATE OR REPLACE TEMP TABLE lexicon (kind VARCHAR, term VARCHAR, topic VARCHAR, score INTEGER, rank INTEGER)`;

/** Word tokens: lower-case runs of [a-z0-9']; cue words match whole tokens only. ClickHouse exports do this themselves. */
export const TOKENIZE = `regexp_extract_all(lower(coalesce(text, '')), '[a-z0-9'']+')`;
export const SPLIT_WORDS = `CASE WHEN coalesce(words, '') = '' THEN []::VARCHAR[] ELSE string_split(words, ' ') END`;

/** Tweets get dense integer ids so the pointer joins below compare integers, not strings. */
export const CREATE_TWEET_INDEX = `
CREATE OR REPLACE TEMP TABLE tweet_index AS
SELECT * EXCLUDE (tokens), row_number() OVER () AS idx FROM tweets`;

/** Thread pointers: root_ptr climbs to the thread root, anchor_ptr to the customer tweet a brand tweet answers. */
export const CREATE_POINTERS = `
CREATE OR REPLACE TEMP TABLE pointers AS
SELECT t.idx, coalesce(p.idx, t.idx) AS root_ptr, CASE WHEN t.inbound THEN t.idx ELSE p.idx END AS anchor_ptr, true AS moved
FROM tweet_index t LEFT JOIN tweet_index p ON p.external_id = t.parent_id`;

/** One pointer-doubling step: every pointer jumps to its target's pointer (roots and customer tweets point to themselves). */
export const STEP_POINTERS = `
CREATE OR REPLACE TEMP TABLE pointers AS
SELECT p.idx, r.root_ptr, a.anchor_ptr,
  r.root_ptr <> p.root_ptr OR a.anchor_ptr IS DISTINCT FROM p.anchor_ptr AS moved
FROM pointers p
JOIN pointers r ON r.idx = p.root_ptr
LEFT JOIN pointers a ON a.idx = p.anchor_ptr`;

export const COUNT_POINTER_CHANGES = `SELECT count(*)::INTEGER AS n FROM pointers WHERE moved`;

/** Every tweet that belongs to a customer's conversation: (thread root, customer) is the conversation. */
export const CREATE_MESSAGES = `
CREATE OR REPLACE TEMP TABLE messages AS
SELECT *, row_number() OVER (PARTITION BY conversation_id ORDER BY ts, external_id) AS seq,
  coalesce(inbound <> lag(inbound) OVER (PARTITION BY conversation_id ORDER BY ts, external_id), false) AS speaker_changed
FROM (
  SELECT md5($platform || ':' || ri.external_id || ':' || c.author) AS conversation_id,
    ri.external_id AS thread_root_id, c.author AS customer_id,
    t.external_id, t.author, t.inbound, t.ts, t.parent_id, t.first_mention
  FROM pointers p
  JOIN tweet_index t ON t.idx = p.idx
  JOIN tweet_index ri ON ri.idx = p.root_ptr
  JOIN tweet_index c ON c.idx = p.anchor_ptr
)`;

/** Lexicon hits per message, one row per matching token occurrence (matched on tweets first, the smaller join last). */
export const CREATE_HITS = `
CREATE OR REPLACE TEMP TABLE hits AS
WITH token_hits AS (
  SELECT m.external_id, l.kind, l.term, l.topic, l.score, l.rank
  FROM (SELECT external_id, inbound, unnest(tokens) AS token FROM tweets) m
  JOIN lexicon l ON l.term = m.token
  WHERE ${HIT_NEEDED}
)
SELECT m.conversation_id, m.external_id, m.inbound, m.seq, h.kind, h.term, h.topic, h.score, h.rank
FROM token_hits h JOIN messages m USING (external_id)`;

/** Per-message signals; sentiment is VADER-normalised: s / sqrt(s^2 + 15), in [-1, 1]. */
export const CREATE_MESSAGE_SIGNALS = `
CREATE OR REPLACE TEMP TABLE message_signals AS
SELECT m.conversation_id, m.external_id, m.inbound, m.seq, m.ts, m.speaker_changed,
  ${round('coalesce(h.raw, 0) / sqrt(coalesce(h.raw, 0) * coalesce(h.raw, 0) + 15)', 4)} AS sentiment,
  coalesce(h.confirms, false) AND NOT coalesce(h.negated, false) AS confirms,
  coalesce(h.closes, false) AS closes,
  coalesce(h.ask_dm, false) AS ask_dm, coalesce(h.ask_email, false) AS ask_email, coalesce(h.ask_phone, false) AS ask_phone,
  coalesce(h.says_dm, false) AS says_dm, coalesce(h.says_email, false) AS says_email, coalesce(h.says_phone, false) AS says_phone
FROM messages m LEFT JOIN (
  SELECT external_id,
    sum(score) FILTER (WHERE kind = 'sentiment') AS raw,
    bool_or(kind IN ('gratitude', 'fixed')) AS confirms,
    bool_or(kind = 'negation') AS negated,
    bool_or(kind = 'closing') AS closes,
    bool_or(kind = 'ask_dm') AS ask_dm, bool_or(kind = 'ask_email') AS ask_email, bool_or(kind = 'ask_phone') AS ask_phone,
    bool_or(kind = 'customer_dm') AS says_dm, bool_or(kind = 'customer_email') AS says_email, bool_or(kind = 'customer_phone') AS says_phone
  FROM hits GROUP BY external_id
) h USING (external_id)`;

/** Brand reply delays: a brand message answering a customer message of the same conversation. */
export const CREATE_REPLY_DELAYS = `
CREATE OR REPLACE TEMP TABLE reply_delays AS
SELECT b.conversation_id, epoch_ms(b.ts) - epoch_ms(c.ts) AS delay_ms
FROM messages b JOIN messages c ON c.external_id = b.parent_id AND c.conversation_id = b.conversation_id
WHERE NOT b.inbound AND c.inbound`;

export const CREATE_TOPICS = `
CREATE OR REPLACE TEMP TABLE topics AS
SELECT conversation_id, topic, terms FROM (
  SELECT conversation_id, topic, hits, terms, row_number() OVER (PARTITION BY conversation_id ORDER BY hits DESC, rank) AS nth
  FROM (
    SELECT conversation_id, topic, min(rank) AS rank, count(*) AS hits, list(DISTINCT term ORDER BY term) AS terms
    FROM hits WHERE kind = 'topic' AND inbound GROUP BY conversation_id, topic
  )
) WHERE nth = 1`;

export const CREATE_CONVERSATIONS = `
CREATE OR REPLACE TEMP TABLE conversations_out AS
WITH base AS (
  SELECT conversation_id,
    min(ts) AS started_at, max(ts) AS ended_at, count(*)::INTEGER AS message_count,
    (count(*) FILTER (WHERE inbound))::INTEGER AS customer_messages,
    (count(*) FILTER (WHERE NOT inbound))::INTEGER AS brand_messages,
    (1 + count(*) FILTER (WHERE speaker_changed))::INTEGER AS turns,
    arg_max(inbound, seq) AS last_inbound,
    arg_max(closes, seq) AS last_closes,
    min(ts) FILTER (WHERE inbound) AS first_customer_at,
    max(ts) FILTER (WHERE inbound) AS last_customer_at,
    min(ts) FILTER (WHERE NOT inbound) AS first_brand_at,
    min(seq) FILTER (WHERE NOT inbound) AS first_brand_seq,
    arg_min(sentiment, seq) FILTER (WHERE inbound) AS sentiment_start,
    arg_max(sentiment, seq) FILTER (WHERE inbound) AS sentiment_end,
    arg_max(confirms, seq) FILTER (WHERE inbound) AS last_customer_confirms,
    max(seq) FILTER (WHERE inbound) AS last_customer_seq,
    bool_or(ask_dm AND NOT inbound) AS brand_asked_dm,
    bool_or(ask_email AND NOT inbound) AS brand_asked_email,
    bool_or(ask_phone AND NOT inbound) AS brand_asked_phone,
    min(seq) FILTER (WHERE ask_dm AND NOT inbound) AS dm_ask_seq,
    min(seq) FILTER (WHERE ask_email AND NOT inbound) AS email_ask_seq,
    min(seq) FILTER (WHERE ask_phone AND NOT inbound) AS phone_ask_seq,
    max(seq) FILTER (WHERE says_dm AND inbound) AS dm_said_seq,
    max(seq) FILTER (WHERE says_email AND inbound) AS email_said_seq,
    max(seq) FILTER (WHERE says_phone AND inbound) AS phone_said_seq
  FROM message_signals GROUP BY conversation_id
),
ids AS (
  SELECT conversation_id, any_value(customer_id) AS customer_id, any_value(thread_root_id) AS thread_root_id,
    arg_min(first_mention, seq) FILTER (WHERE inbound) AS first_mention
  FROM messages GROUP BY conversation_id
),
brands AS (
  SELECT conversation_id, author AS replying_brand FROM (
    SELECT conversation_id, author, row_number() OVER (PARTITION BY conversation_id ORDER BY count(*) DESC, author) AS nth
    FROM messages WHERE NOT inbound GROUP BY conversation_id, author
  ) WHERE nth = 1
),
cues AS (
  SELECT conversation_id,
    list(DISTINCT term ORDER BY term) FILTER (WHERE kind = 'urgency' AND inbound) AS urgency_terms,
    list(DISTINCT term ORDER BY term) FILTER (WHERE kind = 'escalation' AND inbound) AS escalation_terms
  FROM hits GROUP BY conversation_id
),
delays AS (
  SELECT conversation_id, ${round('quantile_cont(delay_ms, 0.5) / 60000.0', 2)} AS median_response_minutes FROM reply_delays GROUP BY conversation_id
),
resolved AS (
  SELECT b.*,
    CASE
      WHEN b.last_customer_confirms AND b.first_brand_seq < b.last_customer_seq THEN 'customer_confirmed'
      WHEN NOT b.last_inbound AND b.last_closes AND epoch_ms(${AS_OF}) - epoch_ms(b.ended_at) >= $window_hours * 3600000 THEN 'brand_closed_no_return'
    END AS resolution_signal
  FROM base b
)
SELECT
  r.conversation_id,
  $platform AS platform_type,
  i.customer_id,
  coalesce(b.replying_brand, i.first_mention) AS brand,
  i.thread_root_id,
  r.started_at,
  r.ended_at,
  r.message_count,
  r.customer_messages,
  r.brand_messages,
  r.turns,
  CASE WHEN r.last_inbound THEN 'customer' ELSE 'brand' END AS last_speaker,
  CASE WHEN r.resolution_signal IS NOT NULL THEN 'none' WHEN r.last_inbound THEN 'brand' ELSE 'customer' END AS awaiting_reply_from,
  CASE WHEN r.first_brand_at >= r.first_customer_at THEN epoch_ms(r.first_brand_at) - epoch_ms(r.first_customer_at) END AS first_response_ms,
  ${round('first_response_ms / 60000.0', 2)} AS first_response_minutes,
  d.median_response_minutes,
  ${round(`(epoch_ms(${AS_OF}) - epoch_ms(r.last_customer_at)) / 3600000.0`, 2)} AS hours_since_last_customer_message,
  r.sentiment_start AS customer_sentiment_start,
  r.sentiment_end AS customer_sentiment_end,
  ${round('r.sentiment_end - r.sentiment_start', 4)} AS sentiment_trend,
  to_json(coalesce(c.urgency_terms, []))::VARCHAR AS urgency_terms,
  to_json(coalesce(c.escalation_terms, []))::VARCHAR AS escalation_terms,
  coalesce(t.topic, 'other') AS topic,
  to_json(coalesce(t.terms, []))::VARCHAR AS topic_terms,
  r.brand_asked_dm,
  r.brand_asked_email,
  r.brand_asked_phone,
  to_json(list_concat(
    CASE WHEN r.dm_said_seq > r.dm_ask_seq THEN ['twitter_dm'] ELSE []::VARCHAR[] END,
    CASE WHEN r.email_said_seq > r.email_ask_seq THEN ['email_reply'] ELSE []::VARCHAR[] END,
    CASE WHEN r.phone_said_seq > r.phone_ask_seq THEN ['scheduling_phone_call'] ELSE []::VARCHAR[] END))::VARCHAR AS customer_moved_to,
  CASE WHEN r.resolution_signal IS NULL THEN 'open' ELSE 'resolved' END AS resolution_status,
  r.resolution_signal,
  ${AS_OF} AS as_of
FROM resolved r
JOIN ids i USING (conversation_id)
LEFT JOIN brands b USING (conversation_id)
LEFT JOIN cues c USING (conversation_id)
LEFT JOIN delays d USING (conversation_id)
LEFT JOIN topics t USING (conversation_id)`;

export const CREATE_CONVERSATION_MESSAGES = `
CREATE OR REPLACE TEMP TABLE conversation_messages_out AS
SELECT conversation_id, external_id, seq::INTEGER AS seq, inbound FROM messages`;

const SENTIMENT_LABEL = `CASE WHEN customer_sentiment_end >= 0.05 THEN 'positive' WHEN customer_sentiment_end <= -0.05 THEN 'negative' ELSE 'neutral' END`;

export const CREATE_PROFILES = `
CREATE OR REPLACE TEMP TABLE customer_profiles_out AS
WITH own AS (
  SELECT author AS customer_id, count(*)::INTEGER AS total_interactions, min(ts) AS first_interaction_at, max(ts) AS last_interaction_at,
    list(hour(ts)) AS hours
  FROM tweets WHERE inbound GROUP BY author
),
hour_counts AS (
  SELECT customer_id, hour, n, row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, hour) AS nth
  FROM (SELECT author AS customer_id, hour(ts) AS hour, count(*) AS n FROM tweets WHERE inbound GROUP BY author, hour(ts))
),
peaks AS (
  SELECT customer_id, list(hour ORDER BY nth) AS peak_hours FROM hour_counts WHERE nth <= 3 GROUP BY customer_id
),
convs AS (
  SELECT customer_id, count(*)::INTEGER AS conversations,
    (count(*) FILTER (WHERE resolution_status = 'open'))::INTEGER AS open_conversations,
    ${round('avg(first_response_ms) / 60000.0', 2)} AS avg_brand_response_minutes,
    ${round(`(count(*) FILTER (WHERE resolution_status = 'resolved')) / count(*)`, 4)} AS resolution_rate
  FROM conversations_out GROUP BY customer_id
),
ranked_sentiment AS (
  SELECT customer_id, label, row_number() OVER (PARTITION BY customer_id ORDER BY count(*) DESC, label) AS nth
  FROM (SELECT customer_id, ${SENTIMENT_LABEL} AS label FROM conversations_out) GROUP BY customer_id, label
),
ranked_topic AS (
  SELECT customer_id, topic, row_number() OVER (PARTITION BY customer_id ORDER BY count(*) DESC, topic) AS nth
  FROM conversations_out GROUP BY customer_id, topic
),
channels AS (
  SELECT customer_id, list(DISTINCT channel ORDER BY channel) AS channels_accepted
  FROM (SELECT customer_id, unnest(from_json(customer_moved_to, '["VARCHAR"]')) AS channel FROM conversations_out)
  GROUP BY customer_id
)
SELECT o.customer_id, $platform AS platform_type,
  coalesce(c.conversations, 0) AS conversations, coalesce(c.open_conversations, 0) AS open_conversations,
  o.total_interactions, o.first_interaction_at, o.last_interaction_at,
  to_json(list_transform(range(24), h -> len(list_filter(o.hours, x -> x = h))))::VARCHAR AS active_hours,
  to_json(p.peak_hours)::VARCHAR AS peak_hours,
  c.avg_brand_response_minutes, coalesce(c.resolution_rate, 0) AS resolution_rate,
  coalesce(s.label, 'neutral') AS dominant_sentiment, coalesce(t.topic, 'other') AS dominant_topic,
  to_json(coalesce(ch.channels_accepted, []::VARCHAR[]))::VARCHAR AS channels_accepted,
  ${AS_OF} AS as_of
FROM own o
JOIN peaks p USING (customer_id)
LEFT JOIN convs c USING (customer_id)
LEFT JOIN ranked_sentiment s ON s.customer_id = o.customer_id AND s.nth = 1
LEFT JOIN ranked_topic t ON t.customer_id = o.customer_id AND t.nth = 1
LEFT JOIN channels ch ON ch.customer_id = o.customer_id`;

export const SUMMARY = `
SELECT (SELECT count(*) FROM conversations_out)::INTEGER AS conversations,
  (SELECT count(*) FROM customer_profiles_out)::INTEGER AS customers,
  (SELECT count(*) FROM conversations_out WHERE resolution_status = 'open')::INTEGER AS open_conversations,
  (SELECT count(*) FROM conversations_out WHERE resolution_status = 'resolved')::INTEGER AS resolved_conversations`;
