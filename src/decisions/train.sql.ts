// Named statements of training, in DuckDB and ClickHouse SQL side by side: each training sample's context and outcome
// features (contextFeaturesSql, outcomeFeaturesSql), then set-based counts of (feature, class), per brand and overall.
// A test trains with both engines on the same samples and compares the models.
import { contextFeaturesSql, outcomeFeaturesSql, type Dialect } from './model.js';

/** What a sample contributes: its action and outcome, its brand, its time, and its two feature lists. */
const featureColumns = (dialect: Dialect) => `action, resolved, outcome, lower(${dialect === 'duckdb' ? 'coalesce' : 'ifNull'}(brand, '')) AS brand, ts_ms,
  ctx AS context, ${outcomeFeaturesSql(dialect, 'ctx', 'action')} AS outcome_features`;

/** The columns the ClickHouse engine receives per sample: the inputs of the context features, the labels and the time. */
export const SAMPLE_INPUTS = [
  'action', 'resolved', 'outcome', 'brand', 'topic', 'message_count', 'brand_messages', 'hours_since_last_customer_message', 'brand_asked_dm',
  'brand_asked_email', 'brand_asked_phone', 'customer_moved_to_dm', 'is_urgent', 'is_escalating', 'recent_words',
] as const;

// --- DuckDB, over decision_samples ---

/** The training samples (those before $until when `until` is set) with their features. */
export const duckdbTrainingFeatures = (until: boolean) => `
CREATE OR REPLACE TEMP TABLE training_features AS
SELECT ${featureColumns('duckdb')}
FROM (SELECT *, epoch_ms(ts)::DOUBLE AS ts_ms, ${contextFeaturesSql('duckdb')} AS ctx FROM decision_samples ${until ? 'WHERE ts < $until::TIMESTAMPTZ' : ''})`;

/** The rows the ClickHouse engine receives: SAMPLE_INPUTS and the time in epoch milliseconds, numbers as JSON numbers. */
export const duckdbTrainingInputs = (until: boolean) => `
SELECT epoch_ms(ts)::DOUBLE AS ts_ms, ${SAMPLE_INPUTS.map((column) => (['message_count', 'brand_messages'].includes(column) ? `${column}::DOUBLE AS ${column}` : column)).join(', ')}
FROM decision_samples ${until ? 'WHERE ts < $until::TIMESTAMPTZ' : ''}`;

export const DUCKDB = {
  summary: `
SELECT count(*)::DOUBLE AS n, min(ts_ms) AS first_ms, max(ts_ms) AS last_ms FROM training_features`,
  actions: `SELECT action AS class, count(*)::DOUBLE AS n FROM training_features GROUP BY action`,
  propensityCounts: `
SELECT feature, action AS class, count(*)::DOUBLE AS n FROM (SELECT action, unnest(context) AS feature FROM training_features) GROUP BY feature, action`,
  outcomeCounts: `
SELECT feature, CASE WHEN resolved THEN 'resolved' ELSE 'not_resolved' END AS class, count(*)::DOUBLE AS n
FROM (SELECT resolved, unnest(outcome_features) AS feature FROM training_features) GROUP BY ALL`,
  evidence: `
SELECT brand, count(*)::DOUBLE AS samples, (count(*) FILTER (WHERE resolved))::DOUBLE AS resolved FROM training_features GROUP BY brand`,
  outcomes: `SELECT outcome AS class, count(*)::DOUBLE AS n FROM training_features GROUP BY outcome`,
};

// --- ClickHouse, over the work table train_samples (inserted from DuckDB) ---

export const CLICKHOUSE_WORK_TABLES = ['train_samples', 'train_features'];
export const dropClickHouseWorkTable = (name: string) => `DROP TABLE IF EXISTS ${name} SYNC`;

export const CLICKHOUSE_CREATE_SAMPLES = `
CREATE TABLE train_samples (
  ts_ms Float64, action String, resolved Bool, brand Nullable(String), topic Nullable(String), message_count Nullable(Float64),
  brand_messages Nullable(Float64), hours_since_last_customer_message Nullable(Float64), brand_asked_dm Nullable(Bool),
  brand_asked_email Nullable(Bool), brand_asked_phone Nullable(Bool), customer_moved_to_dm Nullable(Bool), is_urgent Nullable(Bool),
  is_escalating Nullable(Bool), recent_words Array(String), outcome String
) ENGINE = Memory`;

export const CLICKHOUSE_CREATE_FEATURES = `
CREATE TABLE train_features ENGINE = Memory AS
SELECT ${featureColumns('clickhouse')}
FROM (SELECT *, ${contextFeaturesSql('clickhouse')} AS ctx FROM train_samples)`;

export const CLICKHOUSE = {
  summary: `SELECT toFloat64(count()) AS n, min(ts_ms) AS first_ms, max(ts_ms) AS last_ms FROM train_features`,
  actions: `SELECT action AS class, toFloat64(count()) AS n FROM train_features GROUP BY action`,
  propensityCounts: `
SELECT feature, action AS class, toFloat64(count()) AS n FROM train_features ARRAY JOIN context AS feature GROUP BY feature, action`,
  outcomeCounts: `
SELECT feature, if(resolved, 'resolved', 'not_resolved') AS class, toFloat64(count()) AS n
FROM train_features ARRAY JOIN outcome_features AS feature GROUP BY feature, class`,
  evidence: `SELECT brand, toFloat64(count()) AS samples, toFloat64(countIf(resolved)) AS resolved FROM train_features GROUP BY brand`,
  outcomes: `SELECT outcome AS class, toFloat64(count()) AS n FROM train_features GROUP BY outcome`,
};
