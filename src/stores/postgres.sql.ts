// Named PostgreSQL statements. Values are bound ($1..); identifiers come from the closed sets below.
import type { ColumnType, OutputTable } from '../model/schema.js';
import { INTERACTION_COLUMNS, REJECT_COLUMNS } from '../model/interactions.js';

const INTERACTION_LIST = INTERACTION_COLUMNS.join(', ');

/** A session-local load table, emptied at each commit. */
export const CREATE_LOAD_TABLE = `
CREATE TEMP TABLE IF NOT EXISTS interactions_load
  (LIKE interactions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`;
/** First load of a platform: rows go straight into the table (the file has no duplicate ids). */
export const COPY_INTO_INTERACTIONS = `COPY interactions (${INTERACTION_LIST}) FROM STDIN WITH (FORMAT csv, HEADER true)`;
export const COPY_INTO_LOAD_TABLE = `COPY interactions_load (${INTERACTION_LIST}) FROM STDIN WITH (FORMAT csv, HEADER true)`;
export const MOVE_FROM_LOAD_TABLE = `
INSERT INTO interactions (${INTERACTION_LIST})
SELECT ${INTERACTION_LIST} FROM interactions_load
ON CONFLICT (platform_type, external_id) DO NOTHING`;

export const COPY_REJECTS = `COPY rejected_interactions (${REJECT_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true)`;

export const SAVE_RUN = `
INSERT INTO pipeline_runs (run_id, pipeline, target, source_file, status, started_at, finished_at,
  rows_read, rows_loaded, rows_rejected, rows_already_present, rejected_by_reason, error)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (run_id) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
  rows_read = EXCLUDED.rows_read, rows_loaded = EXCLUDED.rows_loaded, rows_rejected = EXCLUDED.rows_rejected,
  rows_already_present = EXCLUDED.rows_already_present, rejected_by_reason = EXCLUDED.rejected_by_reason, error = EXCLUDED.error`;

export const SAVE_WATERMARK = `
INSERT INTO ingestion_watermarks (pipeline, platform_type, last_interaction_timestamp, last_run_id, rows_total, updated_at)
VALUES ($1, $2, $3, $4, $5, now())
ON CONFLICT (pipeline, platform_type) DO UPDATE SET
  last_interaction_timestamp = GREATEST(ingestion_watermarks.last_interaction_timestamp, EXCLUDED.last_interaction_timestamp),
  last_run_id = EXCLUDED.last_run_id, rows_total = EXCLUDED.rows_total, updated_at = now()`;

export const INTERACTION_STATS = `SELECT max(interaction_timestamp) AS newest, count(*)::bigint AS n FROM interactions WHERE platform_type = $1`;
/** The primary key starts with the platform, so this reads one index entry. */
export const HAS_INTERACTIONS = `SELECT EXISTS (SELECT 1 FROM interactions WHERE platform_type = $1) AS present`;

// --- process: conversations, profiles, messages ---

const PG_TYPES: Record<ColumnType, string> = {
  text: 'text',
  int: 'bigint',
  float: 'double precision',
  bool: 'boolean',
  timestamp: 'timestamptz',
  json: 'json',
};

/**
 * Texts compare byte by byte (COLLATE "C"), as ClickHouse orders them and as interactions' ids do: the keys are ids, and
 * PostgreSQL sorts "C" texts with memcmp and abbreviated keys where a database's locale (even C.UTF-8) goes through
 * strcoll. conversation_messages' primary key built in 1.2 s against 1.85 s under C.UTF-8 (2.8M rows).
 */
const pgType = (type: ColumnType) => (type === 'text' ? 'text COLLATE "C"' : PG_TYPES[type]);

/**
 * An output table, with its primary key, or without it (`keyed: false`) for a shadow table that is loaded first and
 * keyed after (addPrimaryKey).
 */
export function createOutputTable(table: OutputTable, name: string = table.name, options: { keyed?: boolean } = {}): string {
  const columns = table.columns.map((column) => `${column.name} ${pgType(column.type)}${column.nullable ? '' : ' NOT NULL'}`);
  const key = options.keyed === false ? [] : [`PRIMARY KEY (${table.key.join(', ')})`];
  return `CREATE TABLE IF NOT EXISTS ${name} (${[...columns, ...key].join(', ')})`;
}

/**
 * The primary key of a shadow table, once its rows are in: one sorted build of the index. Kept up row by row during
 * the COPY, the index's random inserts took most of it: on the 2.8M-row file, conversation_messages loaded in 26.6 and
 * 27.0 s keyed first against 7.2 and 8.2 s keyed after; conversations (with its customer index) 16.9 and 18.2 s against
 * 12.5 and 13.0 s. A larger maintenance_work_mem for the build made no difference.
 */
export const addPrimaryKey = (table: OutputTable, name: string) => `ALTER TABLE ${name} ADD PRIMARY KEY (${table.key.join(', ')})`;

export const nextTableName = (table: OutputTable) => `${table.name}__next`;
export const dropTable = (name: string) => `DROP TABLE IF EXISTS ${name}`;
export const renameTable = (from: string, to: string) => `ALTER TABLE ${from} RENAME TO ${to}`;
export const copyOutput = (table: OutputTable, name: string) =>
  `COPY ${name} (${table.columns.map((column) => column.name).join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true)`;
export const countRows = (table: OutputTable) => `SELECT count(*) AS n FROM ${table.name}`;

/** Secondary indexes, made again each time process replaces a table. */
export const OUTPUT_INDEXES: Record<OutputTable['name'], string[]> = {
  conversations: ['CREATE INDEX IF NOT EXISTS conversations_customer_idx ON conversations (customer_id)'],
  customer_profiles: [],
  conversation_messages: [],
  nba_predictions: ['CREATE INDEX IF NOT EXISTS nba_predictions_customer_idx ON nba_predictions (customer_id)'],
  nba_reviews: [],
  models: [],
};

/**
 * A stage's query as CSV on stdout. COPY takes no bound values, so each value is first set, for this transaction only,
 * as the setting riverline.<name>, which the query reads (postgresParam).
 */
export const SET_PARAM = `SELECT set_config('riverline.' || $1, $2, true)`;
export const exportAsCsv = (select: string) => `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`;

/** serve's in-memory data: all profiles and the open conversations. */
export const SERVING_PROFILES = `SELECT * FROM customer_profiles WHERE platform_type = $1`;
export const SERVING_OPEN_CONVERSATIONS = `SELECT * FROM conversations WHERE platform_type = $1 AND resolution_status = 'open'`;
export const TABLES_PRESENT = `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('interactions', 'conversations', 'customer_profiles')`;
export const CHAT_LOG = `
SELECT m.seq, m.inbound, i.participant_external_id AS author, i.raw_text AS text
FROM conversation_messages m JOIN interactions i ON i.platform_type = $2 AND i.external_id = m.external_id
WHERE m.conversation_id = $1 ORDER BY m.seq`;

/** review: the newest predict run, and the latest decision per conversation. */
export const LATEST_PREDICTIONS = `
SELECT customer_id, chat_log, channel, message, send_time, reasoning, issue_status, conversation_id, brand, rule_id, llm_status, topic,
  sentiment, fired, run_id, as_of, receipt
FROM nba_predictions WHERE run_id = (SELECT run_id FROM nba_predictions ORDER BY created_at DESC LIMIT 1)
ORDER BY customer_id, conversation_id`;
export const LATEST_REVIEWS = `
SELECT DISTINCT ON (conversation_id) conversation_id, decision, channel, message, reason
FROM nba_reviews WHERE run_id = $1 ORDER BY conversation_id, reviewed_at DESC`;
export const INSERT_REVIEW = `
INSERT INTO nba_reviews (review_id, run_id, conversation_id, customer_id, decision, channel, message, reason, reviewer, reviewed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

/** train: the models, one row each. */
export const INSERT_MODEL = `
INSERT INTO models (model_id, trained_at, training_rows, time_range_from, time_range_to, metrics, model)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (model_id) DO NOTHING`;
export const LOAD_MODEL = `SELECT * FROM models WHERE model_id = $1`;
export const LATEST_MODEL = `SELECT * FROM models ORDER BY trained_at DESC, model_id DESC LIMIT 1`;
