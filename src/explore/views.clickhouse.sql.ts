// The tables explore copies from a ClickHouse target; views.postgres.sql.ts is the PostgreSQL twin. Bound value:
// {platform:String} (a table without a platform column is copied whole). Replacing tables are read FINAL, so each
// key shows once; a UUID is copied as its text.

export const CONVERSATIONS = `SELECT * FROM conversations WHERE platform_type = {platform:String}`;
export const CUSTOMER_PROFILES = `SELECT * FROM customer_profiles WHERE platform_type = {platform:String}`;
export const CONVERSATION_MESSAGES = `SELECT * FROM conversation_messages WHERE {platform:String} != ''`;
export const NBA_PREDICTIONS = `SELECT * FROM nba_predictions WHERE {platform:String} != ''`;
export const NBA_REVIEWS = `SELECT * FROM nba_reviews WHERE {platform:String} != ''`;
/** The trained models without the model itself (it can be megabytes; `train --export` writes it out). */
export const MODELS = `SELECT model_id, trained_at, training_rows, time_range_from, time_range_to, metrics FROM models FINAL WHERE {platform:String} != ''`;
export const INTERACTIONS = `SELECT toString(interaction_id) AS interaction_id, external_id, platform_type, participant_external_id, content_text, raw_text,
  interaction_timestamp, parent_external_id, inbound, interaction_type, content_metadata, platform_metadata, run_id, loaded_at
FROM interactions FINAL WHERE platform_type = {platform:String}`;
export const REJECTED_INTERACTIONS = `SELECT * FROM rejected_interactions WHERE {platform:String} != ''`;
export const PIPELINE_RUNS = `SELECT run_id, pipeline, target, source_file, status, started_at, finished_at, rows_read, rows_loaded, rows_rejected,
  rows_already_present, rejected_by_reason, error
FROM pipeline_runs FINAL WHERE {platform:String} != ''`;
export const INGESTION_WATERMARKS = `SELECT * FROM ingestion_watermarks FINAL WHERE platform_type = {platform:String}`;
export const SCHEMA_MIGRATIONS = `SELECT version, name, applied_at FROM schema_migrations FINAL WHERE {platform:String} != ''`;
