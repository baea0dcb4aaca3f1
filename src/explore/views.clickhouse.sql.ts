// The tables explore copies from a ClickHouse target; views.postgres.sql.ts is the PostgreSQL twin. Bound value:
// {platform:String} (predictions carry no platform column, so every row of them is copied).

export const CONVERSATIONS = `SELECT * FROM conversations WHERE platform_type = {platform:String}`;
export const CUSTOMER_PROFILES = `SELECT * FROM customer_profiles WHERE platform_type = {platform:String}`;
export const NBA_PREDICTIONS = `SELECT * FROM nba_predictions WHERE {platform:String} != ''`;
/** The trained models without the model itself (it can be megabytes; `train --export` writes it out). */
export const MODELS = `SELECT model_id, trained_at, training_rows, time_range_from, time_range_to, metrics FROM models FINAL WHERE {platform:String} != ''`;
