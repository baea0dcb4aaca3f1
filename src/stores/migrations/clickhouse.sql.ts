// ClickHouse migrations, frozen: each version's DDL as Riverline first shipped it. Never edit one; add the next.
// The tables process replaces (conversations, customer_profiles, conversation_messages) are recreated from the
// schema module on every run; nba_predictions and nba_reviews are appended to, so only these migrations shape them.
import type { Migration } from './migration.js';

export const CREATE_SCHEMA_MIGRATIONS = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree ORDER BY version`;
export const APPLIED_MIGRATIONS = `SELECT DISTINCT version FROM schema_migrations ORDER BY version`;
/** The table a migration is recorded in (an insert of {version, name}). */
export const MIGRATIONS_TABLE = 'schema_migrations';

export const CLICKHOUSE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ingest tables',
    statements: [
      `CREATE TABLE IF NOT EXISTS interactions (
        interaction_id UUID,
        external_id String,
        platform_type LowCardinality(String),
        participant_external_id String,
        content_text String,
        raw_text String,
        interaction_timestamp DateTime64(3, 'UTC'),
        parent_external_id Nullable(String),
        inbound Bool,
        interaction_type LowCardinality(String),
        content_metadata String,
        platform_metadata String,
        run_id String,
        loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
      ) ENGINE = ReplacingMergeTree ORDER BY (platform_type, external_id)`,
      `CREATE TABLE IF NOT EXISTS pipeline_runs (
        run_id String,
        pipeline LowCardinality(String),
        target String,
        source_file String,
        status LowCardinality(String),
        started_at DateTime64(3, 'UTC'),
        finished_at Nullable(DateTime64(3, 'UTC')),
        rows_read UInt64,
        rows_loaded UInt64,
        rows_rejected UInt64,
        rows_already_present UInt64,
        rejected_by_reason String,
        error Nullable(String),
        version UInt64
      ) ENGINE = ReplacingMergeTree(version) ORDER BY run_id`,
      `CREATE TABLE IF NOT EXISTS ingestion_watermarks (
        pipeline LowCardinality(String),
        platform_type LowCardinality(String),
        last_interaction_timestamp DateTime64(3, 'UTC'),
        last_run_id String,
        rows_total UInt64,
        updated_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY (pipeline, platform_type)`,
      `CREATE TABLE IF NOT EXISTS rejected_interactions (
        run_id String,
        source_file String,
        record_number Nullable(UInt64),
        line_number Nullable(UInt64),
        reason LowCardinality(String),
        detail String,
        raw String,
        rejected_at DateTime64(3, 'UTC') DEFAULT now64(3)
      ) ENGINE = MergeTree ORDER BY (run_id, reason)`,
    ],
  },
  {
    version: 2,
    name: 'process tables',
    statements: [
      `CREATE TABLE IF NOT EXISTS conversations (
        conversation_id String,
        platform_type String,
        customer_id String,
        brand Nullable(String),
        thread_root_id String,
        started_at DateTime64(3, 'UTC'),
        ended_at DateTime64(3, 'UTC'),
        message_count Int64,
        customer_messages Int64,
        brand_messages Int64,
        turns Int64,
        last_speaker String,
        awaiting_reply_from String,
        first_response_minutes Nullable(Float64),
        median_response_minutes Nullable(Float64),
        hours_since_last_customer_message Float64,
        customer_sentiment_start Float64,
        customer_sentiment_end Float64,
        sentiment_trend Float64,
        urgency_terms String,
        escalation_terms String,
        topic String,
        topic_terms String,
        brand_asked_dm Bool,
        brand_asked_email Bool,
        brand_asked_phone Bool,
        customer_moved_to String,
        resolution_status String,
        resolution_signal Nullable(String),
        as_of DateTime64(3, 'UTC')
      ) ENGINE = MergeTree ORDER BY (customer_id, conversation_id)`,
      `CREATE TABLE IF NOT EXISTS customer_profiles (
        customer_id String,
        platform_type String,
        conversations Int64,
        open_conversations Int64,
        total_interactions Int64,
        first_interaction_at DateTime64(3, 'UTC'),
        last_interaction_at DateTime64(3, 'UTC'),
        active_hours String,
        peak_hours String,
        avg_brand_response_minutes Nullable(Float64),
        resolution_rate Float64,
        dominant_sentiment String,
        dominant_topic String,
        channels_accepted String,
        as_of DateTime64(3, 'UTC')
      ) ENGINE = MergeTree ORDER BY (customer_id)`,
      `CREATE TABLE IF NOT EXISTS conversation_messages (
        conversation_id String,
        external_id String,
        seq Int64,
        inbound Bool
      ) ENGINE = MergeTree ORDER BY (conversation_id, seq)`,
    ],
  },
  {
    version: 3,
    name: 'predictions',
    statements: [
      `CREATE TABLE IF NOT EXISTS nba_predictions (
        customer_id String,
        chat_log String,
        channel String,
        message String,
        send_time Nullable(DateTime64(3, 'UTC')),
        reasoning String,
        issue_status String,
        conversation_id String,
        brand Nullable(String),
        rule_id String,
        llm_status String,
        topic String,
        sentiment Nullable(Float64),
        fired String,
        run_id String,
        as_of DateTime64(3, 'UTC')
      ) ENGINE = MergeTree ORDER BY (conversation_id, run_id)`,
    ],
  },
  {
    version: 4,
    name: 'reviews',
    statements: [
      `ALTER TABLE nba_predictions ADD COLUMN IF NOT EXISTS created_at DateTime64(3, 'UTC') DEFAULT now64(3)`,
      `CREATE TABLE IF NOT EXISTS nba_reviews (
        review_id String,
        run_id String,
        conversation_id String,
        customer_id String,
        decision String,
        channel String,
        message String,
        reason String,
        reviewer String,
        reviewed_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree ORDER BY (run_id, conversation_id, reviewed_at)`,
    ],
  },
  {
    version: 5,
    name: 'recent words',
    statements: [`ALTER TABLE conversations ADD COLUMN IF NOT EXISTS recent_words String DEFAULT '[]'`],
  },
  {
    version: 6,
    name: 'decision receipts',
    statements: [`ALTER TABLE nba_predictions ADD COLUMN IF NOT EXISTS receipt String DEFAULT '{}'`],
  },
  {
    version: 7,
    name: 'models',
    statements: [
      `CREATE TABLE IF NOT EXISTS models (
        model_id String,
        trained_at DateTime64(3, 'UTC'),
        training_rows Int64,
        time_range_from Nullable(DateTime64(3, 'UTC')),
        time_range_to Nullable(DateTime64(3, 'UTC')),
        metrics String,
        model String
      ) ENGINE = ReplacingMergeTree ORDER BY model_id`,
    ],
  },
];
