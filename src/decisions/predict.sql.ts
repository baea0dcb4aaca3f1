// Named DuckDB statements of predict: decision features, the compiled rule CASE, the contact policy, chat logs.
// The rule CASE comes from compile.ts (fields from a closed set, values bound).
import { STORED_SIGNALS_SQL, derivedFeaturesSql } from './derived.js';
import { RECENT_WORDS_AS_LIST } from './predict-input.js';

/**
 * Decision features per open conversation: the conversation's own plus derived flags and the profile's, read straight
 * from `source` (the store's export of the open conversations, a DuckDB table function binding $file, or a table).
 * Reading the export here rather than copying it into a table first saved a 606k-row copy (1.2 to 2.2 s on the
 * 2.8M-row file).
 */
export function createDecisionFeatures(source: string): string {
  return `
CREATE OR REPLACE TEMP TABLE decision_features AS
SELECT *,
  ${derivedFeaturesSql(STORED_SIGNALS_SQL)}
FROM (
  SELECT * EXCLUDE (customer_conversations, customer_resolution_rate, recent_words),
    coalesce(customer_conversations, 1) AS customer_conversations,
    coalesce(customer_resolution_rate, 0) AS customer_resolution_rate,
    ${RECENT_WORDS_AS_LIST} AS recent_words
  FROM ${source}
)`;
}

export const CREATE_RULES_TABLE = `CREATE OR REPLACE TEMP TABLE decision_rules (rule_id VARCHAR, priority INTEGER)`;

/**
 * The first matching rule per conversation, then the contact policy: one action per customer per run,
 * the conversation whose rule ranks first (then the most recent) keeps its action.
 */
export function createDecisions(ruleCase: string): string {
  return `
CREATE OR REPLACE TEMP TABLE decisions AS
SELECT f.conversation_id, m.rule_id AS matched_rule,
  row_number() OVER (PARTITION BY f.customer_id ORDER BY coalesce(r.priority, 2147483647), f.ended_at DESC, f.conversation_id) AS customer_rank
FROM decision_features f
JOIN (SELECT conversation_id, ${ruleCase} AS rule_id FROM decision_features) m USING (conversation_id)
LEFT JOIN decision_rules r ON r.rule_id = m.rule_id`;
}

/** Limits a run to the N customers whose open conversations are most recent. */
export const LIMIT_CUSTOMERS = `
DELETE FROM decision_features WHERE customer_id NOT IN (
  SELECT customer_id FROM decision_features GROUP BY customer_id ORDER BY max(ended_at) DESC, customer_id LIMIT $limit
)`;

/** The open conversations' chat logs, as the store built them (`reader` reads its export, bound as $file). */
export function createChatLogs(reader: string): string {
  return `CREATE OR REPLACE TEMP TABLE chat_logs AS SELECT conversation_id, chat_log FROM ${reader}`;
}

/** The order of the user's file: by customer, then conversation. */
export const PREDICTION_ORDER = 'customer_id, conversation_id';

/**
 * What deciding and composing need: the decision features (`fields` come from the closed set in fields.ts) and the
 * recent words. `withChatLogs`: also each conversation's chat log, sorted as the user's CSV is (PREDICTION_ORDER), for
 * compose shares that write the CSV's lines themselves.
 */
export function selectForTemplates(fields: string[], options: { withChatLogs?: boolean } = {}): string {
  const extra = fields.filter((field) => !['customer_sentiment_end', 'topic'].includes(field)).map((field) => `f.${field}`);
  const columns = `d.conversation_id, d.customer_rank, f.customer_id, f.brand, f.topic, f.customer_sentiment_end, f.peak_hours, f.recent_words
  ${extra.length > 0 ? `, ${extra.join(', ')}` : ''}`;
  if (!options.withChatLogs) return `SELECT ${columns} FROM decisions d JOIN decision_features f USING (conversation_id)`;
  return `
SELECT ${columns}, coalesce(l.chat_log, '') AS chat_log
FROM decisions d JOIN decision_features f USING (conversation_id) LEFT JOIN chat_logs l USING (conversation_id)
ORDER BY ${PREDICTION_ORDER}`;
}

/**
 * A compose share: rows [$from, $to) of the decided rows' Parquet file ($file), for a columnar read: counts as DOUBLE
 * and the recent words as one space-separated text (words are [a-z0-9'] tokens), so that each value reaches JavaScript
 * as a number or a string without a conversion per value (BIGINT to text, a list to an array). Measured on 303k rows:
 * 2.1 s read this way, 7.7 s as JSON row objects. `numbers` are decision fields (a closed set) and customer_rank.
 * `chatLogBytes`: the chat log arrives as its UTF-8 bytes (a BLOB), for a share that copies it into the CSV as it is
 * rather than decoding 400 bytes into a string and encoding them back.
 */
export function readDecidedShare(numbers: readonly string[], options: { chatLogBytes?: boolean } = {}): string {
  const replaced = [...numbers.map((field) => `${field}::DOUBLE AS ${field}`), `array_to_string(recent_words, ' ') AS recent_words`];
  if (options.chatLogBytes) replaced.push('encode(chat_log) AS chat_log');
  return `
SELECT * EXCLUDE (file_row_number) REPLACE (${replaced.join(', ')})
FROM read_parquet($file, file_row_number = true) WHERE file_row_number >= $from AND file_row_number < $to`;
}

export const COUNT_DECISIONS = `SELECT count(*)::INTEGER AS n FROM decisions`;

/** The composed part of each action, written from TypeScript; send_time is ISO 8601 UTC text, fired and receipt JSON text. */
export const CREATE_ACTIONS = `
CREATE OR REPLACE TEMP TABLE actions (
  conversation_id VARCHAR, channel VARCHAR, message VARCHAR, send_time VARCHAR, reasoning VARCHAR,
  issue_status VARCHAR, rule_id VARCHAR, fired VARCHAR, receipt VARCHAR)`;

/** The actions the compose workers wrote as JSON lines ($files; one object per action, keyed by column), into `actions`. */
export const INSERT_ACTIONS_FROM_JSON = `
INSERT INTO actions
SELECT * FROM read_ndjson($files, maximum_object_size = 16777216, columns = {
    'conversation_id': 'VARCHAR', 'channel': 'VARCHAR', 'message': 'VARCHAR', 'send_time': 'VARCHAR', 'reasoning': 'VARCHAR',
    'issue_status': 'VARCHAR', 'rule_id': 'VARCHAR', 'fired': 'VARCHAR', 'receipt': 'VARCHAR'})`;

/**
 * Once every action is composed, only what the predictions show of each conversation is kept: the decision features
 * (all of them, about 400 MB on the 2.8M-row file) and the decisions go, so the sort of the user's file has DuckDB's
 * memory to itself rather than spilling beside them. The sentiment is a DOUBLE whichever store it came from (a CSV
 * export of whole numbers reads as integers), as the compose shares print it.
 */
export const KEEP_OUTPUT_FEATURES = [
  `CREATE OR REPLACE TEMP TABLE prediction_features AS
   SELECT conversation_id, customer_id, brand, topic, customer_sentiment_end::DOUBLE AS customer_sentiment_end FROM decision_features`,
  `DROP TABLE decisions`,
  `DROP TABLE decision_features`,
];

/** What the model wrote (or why it fell back), per conversation it was asked about. */
export const CREATE_LLM_RESULTS = `
CREATE OR REPLACE TEMP TABLE llm_results (conversation_id VARCHAR, message VARCHAR, reasoning VARCHAR, llm_status VARCHAR)`;

export const SELECT_FOR_LLM = `
SELECT a.conversation_id, f.customer_id, f.brand, a.channel, a.rule_id, a.issue_status, a.send_time, f.topic, a.fired,
  coalesce(l.chat_log, '') AS chat_log, a.message, a.reasoning
FROM actions a JOIN prediction_features f USING (conversation_id) LEFT JOIN chat_logs l USING (conversation_id)
WHERE a.channel <> 'no_action'
ORDER BY f.customer_id, a.conversation_id`;

/** This run's id and data time, bound once, for the predictions view (a view takes no parameters). */
export const CREATE_PREDICTION_RUN = `CREATE OR REPLACE TEMP TABLE prediction_run AS SELECT $run_id::VARCHAR AS run_id, $as_of::VARCHAR AS as_of`;

/**
 * The predictions as a view over the actions, their features and chat logs, not a copy of them: the user's file and the
 * store's each read it once. Materialised, it doubled staging's largest tables (1 GB on the 2.8M-row file) and DuckDB
 * spilled to disk under its memory limit.
 */
export const CREATE_PREDICTIONS = `
CREATE OR REPLACE TEMP VIEW nba_predictions_out AS
SELECT f.customer_id, coalesce(l.chat_log, '') AS chat_log, a.channel, coalesce(r.message, a.message) AS message, a.send_time,
  coalesce(r.reasoning, a.reasoning) AS reasoning, a.issue_status,
  f.conversation_id, f.brand, a.rule_id, coalesce(r.llm_status, 'off') AS llm_status, f.topic, f.customer_sentiment_end AS sentiment, a.fired,
  p.run_id, p.as_of, a.receipt
FROM actions a JOIN prediction_features f USING (conversation_id) LEFT JOIN chat_logs l USING (conversation_id)
LEFT JOIN llm_results r USING (conversation_id) CROSS JOIN prediction_run p`;

/**
 * DuckDB's memory while predict writes its files: the user's file sorts about 1 GB of rows (chat logs, receipts) by
 * customer beside the decision features, actions and chat logs staging already holds, and at staging's 1,280 MB the
 * process peaked at 2.3 to 2.8 GB with the learned policy's larger receipts. At 900 MB the sort spills a little more:
 * 2.0 to 2.2 GB, the CSV about 0.9 s slower (measured on the 2.8M-row file, alternating).
 */
export const OUTPUT_MEMORY_MB = 900;
export const limitMemory = (megabytes: number) => `SET memory_limit = '${Math.floor(megabytes)}MB'`;

export const COUNT_BY_LLM_STATUS = `SELECT llm_status, count(*)::INTEGER AS n FROM nba_predictions_out GROUP BY llm_status`;

export const COUNT_BY_CHANNEL = `SELECT channel, count(*)::INTEGER AS n FROM nba_predictions_out GROUP BY channel ORDER BY channel`;
