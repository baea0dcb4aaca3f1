// The tables explore copies from a PostgreSQL target; views.clickhouse.sql.ts is the ClickHouse twin. Bound value:
// platform (predictions carry no platform column, so every row of them is copied).
import { postgresParam } from '../model/named-query.js';

const PLATFORM = postgresParam('platform');

export const CONVERSATIONS = `SELECT * FROM conversations WHERE platform_type = ${PLATFORM}`;
export const CUSTOMER_PROFILES = `SELECT * FROM customer_profiles WHERE platform_type = ${PLATFORM}`;
export const NBA_PREDICTIONS = `SELECT * FROM nba_predictions WHERE ${PLATFORM} <> ''`;
/** The trained models without the model itself (it can be megabytes; `train --export` writes it out). */
export const MODELS = `SELECT model_id, trained_at, training_rows, time_range_from, time_range_to, metrics FROM models WHERE ${PLATFORM} <> ''`;
