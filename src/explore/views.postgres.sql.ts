// The tables explore copies from a PostgreSQL target; views.clickhouse.sql.ts is the ClickHouse twin. Bound value:
// platform (a table without a platform column is copied whole).
import { postgresParam } from '../model/named-query.js';

const PLATFORM = postgresParam('platform');

export const CONVERSATIONS = `SELECT * FROM conversations WHERE platform_type = ${PLATFORM}`;
export const CUSTOMER_PROFILES = `SELECT * FROM customer_profiles WHERE platform_type = ${PLATFORM}`;
export const CONVERSATION_MESSAGES = `SELECT * FROM conversation_messages WHERE ${PLATFORM} <> ''`;
export const NBA_PREDICTIONS = `SELECT * FROM nba_predictions WHERE ${PLATFORM} <> ''`;
export const NBA_REVIEWS = `SELECT * FROM nba_reviews WHERE ${PLATFORM} <> ''`;
/** The trained models without the model itself (it can be megabytes; `train --export` writes it out). */
export const MODELS = `SELECT model_id, trained_at, training_rows, time_range_from, time_range_to, metrics FROM models WHERE ${PLATFORM} <> ''`;
export const INTERACTIONS = `SELECT * FROM interactions WHERE platform_type = ${PLATFORM}`;
export const REJECTED_INTERACTIONS = `SELECT * FROM rejected_interactions WHERE ${PLATFORM} <> ''`;
export const PIPELINE_RUNS = `SELECT * FROM pipeline_runs WHERE ${PLATFORM} <> ''`;
export const INGESTION_WATERMARKS = `SELECT * FROM ingestion_watermarks WHERE platform_type = ${PLATFORM}`;
export const SCHEMA_MIGRATIONS = `SELECT version, name, applied_at FROM schema_migrations WHERE ${PLATFORM} <> ''`;
