// The tables explore copies from a PostgreSQL target; views.clickhouse.sql.ts is the ClickHouse twin. Bound value:
// platform (predictions carry no platform column, so every row of them is copied).
import { postgresParam } from '../model/named-query.js';

const PLATFORM = postgresParam('platform');

export const CONVERSATIONS = `SELECT * FROM conversations WHERE platform_type = ${PLATFORM}`;
export const CUSTOMER_PROFILES = `SELECT * FROM customer_profiles WHERE platform_type = ${PLATFORM}`;
export const NBA_PREDICTIONS = `SELECT * FROM nba_predictions WHERE ${PLATFORM} <> ''`;
