// PostgreSQL migrations, frozen: each version's DDL as Riverline first shipped it. Never edit one; add the next.
// The tables process replaces (conversations, customer_profiles, conversation_messages) are recreated from the
// schema module on every run; nba_predictions and nba_reviews are appended to, so only these migrations shape them.
import type { Migration } from './migration.js';

/** Held for the migrating transaction, so two processes starting at once do not both migrate. */
export const MIGRATION_LOCK_KEY = 727_001;
export const LOCK_MIGRATIONS = `SELECT pg_advisory_xact_lock($1)`;

export const CREATE_SCHEMA_MIGRATIONS = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
export const APPLIED_MIGRATIONS = `SELECT version FROM schema_migrations ORDER BY version`;
export const RECORD_MIGRATION = `INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`;

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ingest tables',
    statements: [
      `CREATE TABLE IF NOT EXISTS interactions (
        interaction_id uuid NOT NULL,
        external_id text COLLATE "C" NOT NULL,
        platform_type text COLLATE "C" NOT NULL,
        participant_external_id text COLLATE "C" NOT NULL,
        content_text text NOT NULL,
        raw_text text NOT NULL,
        interaction_timestamp timestamptz NOT NULL,
        parent_external_id text,
        inbound boolean NOT NULL,
        interaction_type text NOT NULL,
        content_metadata json NOT NULL,
        platform_metadata json NOT NULL,
        run_id uuid NOT NULL,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (platform_type, external_id)
      )`,
      `CREATE TABLE IF NOT EXISTS pipeline_runs (
        run_id uuid PRIMARY KEY,
        pipeline text NOT NULL,
        target text NOT NULL,
        source_file text NOT NULL,
        status text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        rows_read bigint NOT NULL DEFAULT 0,
        rows_loaded bigint NOT NULL DEFAULT 0,
        rows_rejected bigint NOT NULL DEFAULT 0,
        rows_already_present bigint NOT NULL DEFAULT 0,
        rejected_by_reason jsonb NOT NULL DEFAULT '{}',
        error text
      )`,
      `CREATE TABLE IF NOT EXISTS ingestion_watermarks (
        pipeline text NOT NULL,
        platform_type text NOT NULL,
        last_interaction_timestamp timestamptz NOT NULL,
        last_run_id uuid NOT NULL,
        rows_total bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (pipeline, platform_type)
      )`,
      `CREATE TABLE IF NOT EXISTS rejected_interactions (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL,
        source_file text NOT NULL,
        record_number bigint,
        line_number bigint,
        reason text NOT NULL,
        detail text NOT NULL,
        raw text NOT NULL,
        rejected_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS rejected_interactions_run_idx ON rejected_interactions (run_id)`,
    ],
  },
  {
    version: 2,
    name: 'process tables',
    statements: [
      `CREATE TABLE IF NOT EXISTS conversations (
        conversation_id text NOT NULL,
        platform_type text NOT NULL,
        customer_id text NOT NULL,
        brand text,
        thread_root_id text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        message_count bigint NOT NULL,
        customer_messages bigint NOT NULL,
        brand_messages bigint NOT NULL,
        turns bigint NOT NULL,
        last_speaker text NOT NULL,
        awaiting_reply_from text NOT NULL,
        first_response_minutes double precision,
        median_response_minutes double precision,
        hours_since_last_customer_message double precision NOT NULL,
        customer_sentiment_start double precision NOT NULL,
        customer_sentiment_end double precision NOT NULL,
        sentiment_trend double precision NOT NULL,
        urgency_terms json NOT NULL,
        escalation_terms json NOT NULL,
        topic text NOT NULL,
        topic_terms json NOT NULL,
        brand_asked_dm boolean NOT NULL,
        brand_asked_email boolean NOT NULL,
        brand_asked_phone boolean NOT NULL,
        customer_moved_to json NOT NULL,
        resolution_status text NOT NULL,
        resolution_signal text,
        as_of timestamptz NOT NULL,
        PRIMARY KEY (conversation_id)
      )`,
      `CREATE INDEX IF NOT EXISTS conversations_customer_idx ON conversations (customer_id)`,
      `CREATE TABLE IF NOT EXISTS customer_profiles (
        customer_id text NOT NULL,
        platform_type text NOT NULL,
        conversations bigint NOT NULL,
        open_conversations bigint NOT NULL,
        total_interactions bigint NOT NULL,
        first_interaction_at timestamptz NOT NULL,
        last_interaction_at timestamptz NOT NULL,
        active_hours json NOT NULL,
        peak_hours json NOT NULL,
        avg_brand_response_minutes double precision,
        resolution_rate double precision NOT NULL,
        dominant_sentiment text NOT NULL,
        dominant_topic text NOT NULL,
        channels_accepted json NOT NULL,
        as_of timestamptz NOT NULL,
        PRIMARY KEY (customer_id)
      )`,
      `CREATE TABLE IF NOT EXISTS conversation_messages (
        conversation_id text NOT NULL,
        external_id text NOT NULL,
        seq bigint NOT NULL,
        inbound boolean NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      )`,
    ],
  },
  {
    version: 3,
    name: 'predictions',
    statements: [
      `CREATE TABLE IF NOT EXISTS nba_predictions (
        customer_id text NOT NULL,
        chat_log text NOT NULL,
        channel text NOT NULL,
        message text NOT NULL,
        send_time timestamptz,
        reasoning text NOT NULL,
        issue_status text NOT NULL,
        conversation_id text NOT NULL,
        brand text,
        rule_id text NOT NULL,
        llm_status text NOT NULL,
        topic text NOT NULL,
        sentiment double precision,
        fired json NOT NULL,
        run_id text NOT NULL,
        as_of timestamptz NOT NULL,
        PRIMARY KEY (conversation_id, run_id)
      )`,
      `CREATE INDEX IF NOT EXISTS nba_predictions_customer_idx ON nba_predictions (customer_id)`,
    ],
  },
  {
    version: 4,
    name: 'reviews',
    statements: [
      `ALTER TABLE nba_predictions ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now()`,
      `CREATE TABLE IF NOT EXISTS nba_reviews (
        review_id text NOT NULL,
        run_id text NOT NULL,
        conversation_id text NOT NULL,
        customer_id text NOT NULL,
        decision text NOT NULL,
        channel text NOT NULL,
        message text NOT NULL,
        reason text NOT NULL,
        reviewer text NOT NULL,
        reviewed_at timestamptz NOT NULL,
        PRIMARY KEY (review_id)
      )`,
    ],
  },
  {
    version: 5,
    name: 'recent words',
    statements: [`ALTER TABLE conversations ADD COLUMN IF NOT EXISTS recent_words json NOT NULL DEFAULT '[]'`],
  },
  {
    version: 6,
    name: 'decision receipts',
    statements: [`ALTER TABLE nba_predictions ADD COLUMN IF NOT EXISTS receipt json NOT NULL DEFAULT '{}'`],
  },
  {
    version: 7,
    name: 'models',
    statements: [
      `CREATE TABLE IF NOT EXISTS models (
        model_id text NOT NULL,
        trained_at timestamptz NOT NULL,
        training_rows bigint NOT NULL,
        time_range_from timestamptz,
        time_range_to timestamptz,
        metrics json NOT NULL,
        model json NOT NULL,
        PRIMARY KEY (model_id)
      )`,
    ],
  },
];
