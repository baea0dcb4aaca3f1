// Named DuckDB statements of the decision samples: for each brand reply that follows a customer message, the features
// as they were just before it (process's own SQL, over a cut of the history), the action it took and what followed.
// Runs after buildMessageSignals (messages, message_features, listed_hits). Bound values: $platform, $window_hours
// (process's resolution window), $outcome_hours (the outcome window).
import { ESCALATION_LIST, PROFILE_CONVERSATIONS, PROFILE_RESOLUTION_RATE, resolutionSignalSql, type FeatureScope } from '../conversations/duckdb.sql.js';
import { derivedFeaturesSql, STORED_SIGNALS_SQL } from './derived.js';
import { DECISION_FIELDS } from './fields.js';
import { RECENT_WORDS_AS_LIST } from './predict-input.js';
import { CONVERSATIONS } from '../model/schema.js';

/**
 * A cut of the history: the features of `cut_customer`'s conversation `cut_root` as of `as_of`, over the messages of
 * the customer's conversations that come before (before_ts, before_id) in message order (time, then id). For a reply,
 * the bound is the reply itself and the moment is its time; the feature-parity test cuts after the last message.
 */
export const CREATE_FEATURE_CUTS = `
CREATE OR REPLACE TEMP TABLE feature_cuts (
  sample_idx BIGINT, cut_root BIGINT, cut_customer VARCHAR, before_ts TIMESTAMPTZ, before_id VARCHAR, as_of TIMESTAMPTZ)`;

/** One cut per brand reply that follows a customer message in its conversation: the reply's own message is the bound. */
export const INSERT_REPLY_CUTS = `
INSERT INTO feature_cuts
SELECT r.idx, r.root_ptr, r.customer_id, r.ts, r.external_id, r.ts
FROM messages r
WHERE NOT r.inbound AND EXISTS (SELECT 1 FROM messages c WHERE c.root_ptr = r.root_ptr AND c.customer_id = r.customer_id AND c.inbound AND c.seq < r.seq)`;

/**
 * Which messages each cut sees: every message of its customer's conversations that precedes the bound. The join is on
 * the customer alone (an OR in the ON clause would make DuckDB loop), the order test comes after.
 */
export const CREATE_CUT_MEMBERS = `
CREATE OR REPLACE TEMP TABLE cut_members AS
SELECT c.sample_idx, m.idx
FROM feature_cuts c JOIN messages m ON m.customer_id = c.cut_customer
WHERE m.ts < c.before_ts OR (m.ts = c.before_ts AND m.external_id < c.before_id)`;

/** The cuts as a feature scope: process's conversation SQL, keyed by the cut as well as the conversation. */
export const CUT_SCOPE: FeatureScope = {
  prefix: 'cut_',
  messages: '(SELECT c.sample_idx, f.* FROM cut_members c JOIN message_features f USING (idx))',
  keys: ['sample_idx', 'root_ptr', 'customer_id'],
  asOf: 'cut.as_of',
  join: 'JOIN feature_cuts cut USING (sample_idx)',
  output: 'cut_conversations',
  // Only the cut's own conversation becomes a row (CREATE_CUT_FEATURES reads no other); the customer's other
  // conversations count in the profile, which reads their resolution from their feature rows.
  rows: 'c.root_ptr = cut.cut_root AND c.customer_id = cut.cut_customer',
};

/** The decision fields that are columns of a conversation row; the others are derived flags or the profile's. */
const CONVERSATION_FIELDS = Object.keys(DECISION_FIELDS).filter((field) => CONVERSATIONS.columns.some((column) => column.name === field));

/**
 * Each cut's decision features, defined as predict defines them on a stored conversation and its customer's profile:
 * the conversation row of the cut's own conversation, the derived flags from its stored lists, and the profile's
 * conversation count and resolution rate over the customer's conversations as of the cut (their resolution as process
 * gives it, from their feature rows: only the own conversation gets a full row). Bound: $window_hours.
 */
export const CREATE_CUT_FEATURES = `
CREATE OR REPLACE TEMP TABLE cut_features AS
WITH profile AS (
  SELECT sample_idx, ${PROFILE_CONVERSATIONS} AS customer_conversations, ${PROFILE_RESOLUTION_RATE} AS customer_resolution_rate
  FROM (
    SELECT c.sample_idx, CASE WHEN ${resolutionSignalSql('cut.as_of')} IS NULL THEN 'open' ELSE 'resolved' END AS resolution_status
    FROM cut_conversation_features c JOIN feature_cuts cut USING (sample_idx)
  ) GROUP BY sample_idx
)
SELECT cut.sample_idx, o.conversation_id, o.customer_id, o.brand, o.as_of,
  ${CONVERSATION_FIELDS.map((field) => `o.${field}`).join(', ')},
  ${derivedFeaturesSql(STORED_SIGNALS_SQL)},
  p.customer_conversations, p.customer_resolution_rate,
  -- the stored JSON text, cast as predict casts it
  ${RECENT_WORDS_AS_LIST} AS recent_words
FROM feature_cuts cut
JOIN cut_conversations o ON o.sample_idx = cut.sample_idx AND o.root_ptr = cut.cut_root AND o.customer_id = cut.cut_customer
JOIN profile p ON p.sample_idx = cut.sample_idx`;

/** The channel a brand reply steered to: a call, then e-mail, then a DM when it asked for one, else the public reply. */
const ACTION = `CASE WHEN r.ask_phone THEN 'scheduling_phone_call' WHEN r.ask_email THEN 'email_reply' WHEN r.ask_dm THEN 'twitter_dm_reply' ELSE 'twitter_public_reply' END`;

/**
 * The brand of a sample is the brand that decides: the conversation's brand as process computes it, or, before any
 * brand has answered (process would take the customer's first @-mention, which twcs often anonymises), the replying
 * account, as a support team running Riverline knows its own name.
 * What followed each reply within $outcome_hours, from the customer's later messages in the same conversation:
 * resolved when the last of them confirms (thanks or a fix, not negated) and the customer then stopped; escalated when
 * one of them complains again (an escalation cue, or a thanks or fix word negated: "still not working") or has a
 * sentiment below the customer's last before the reply; silent otherwise (no answer, or one that does neither).
 */
export const CREATE_DECISION_SAMPLES = `
CREATE OR REPLACE TEMP TABLE decision_samples AS
WITH later AS (
  SELECT r.idx AS sample_idx,
    arg_max(m.confirms, m.seq) AS last_confirms,
    bool_or(m.idx IN (SELECT idx FROM listed_hits WHERE list_no = ${ESCALATION_LIST}) OR m.denies) AS complained_again,
    min(m.sentiment) AS lowest_sentiment
  FROM messages r
  JOIN message_features m ON m.root_ptr = r.root_ptr AND m.customer_id = r.customer_id AND m.inbound AND m.seq > r.seq
  WHERE r.idx IN (SELECT sample_idx FROM feature_cuts) AND epoch_ms(m.ts) - epoch_ms(r.ts) <= $outcome_hours * 3600000
  GROUP BY r.idx
),
labelled AS (
  SELECT f.* REPLACE (coalesce(f.brand, r.author) AS brand), r.external_id, r.ts, ${ACTION} AS action, (epoch_ms(r.ts) - epoch_ms(cf.last_customer_at)) / 60000.0 AS actual_delay_minutes,
    CASE
      WHEN coalesce(l.last_confirms, false) THEN 'resolved'
      WHEN coalesce(l.complained_again, false) OR coalesce(l.lowest_sentiment < f.customer_sentiment_end, false) THEN 'escalated'
      ELSE 'silent'
    END AS outcome
  FROM cut_features f JOIN message_features r ON r.idx = f.sample_idx
  JOIN cut_conversation_features cf ON cf.sample_idx = f.sample_idx AND cf.root_ptr = r.root_ptr AND cf.customer_id = r.customer_id
  LEFT JOIN later l ON l.sample_idx = f.sample_idx
)
SELECT external_id, customer_id, conversation_id, brand, ts, action, outcome, outcome = 'resolved' AS resolved,
  actual_delay_minutes,
  ${Object.keys(DECISION_FIELDS).join(', ')},
  recent_words
FROM labelled`;

export const COUNT_SAMPLES = `SELECT count(*)::INTEGER AS n FROM decision_samples`;
