// Columns of the tables `process` writes, in one place; each store maps them to its own types.

export type ColumnType = 'text' | 'int' | 'float' | 'bool' | 'timestamp' | 'json';

export interface Column {
  name: string;
  type: ColumnType;
  nullable?: boolean;
}

export interface OutputTable {
  name: 'conversations' | 'customer_profiles' | 'conversation_messages' | 'nba_predictions' | 'nba_reviews' | 'models';
  columns: Column[];
  /** Primary key (PostgreSQL) and, unless sortKey says otherwise, the ClickHouse ORDER BY. */
  key: string[];
  /** ClickHouse ORDER BY when lookups go by another column first (serve reads conversations by customer). */
  sortKey?: string[];
}

const c = (name: string, type: ColumnType, nullable = false): Column => ({ name, type, nullable });

export const CONVERSATIONS: OutputTable = {
  name: 'conversations',
  key: ['conversation_id'],
  sortKey: ['customer_id', 'conversation_id'],
  columns: [
    c('conversation_id', 'text'),
    c('platform_type', 'text'),
    c('customer_id', 'text'),
    c('brand', 'text', true),
    c('thread_root_id', 'text'),
    c('started_at', 'timestamp'),
    c('ended_at', 'timestamp'),
    c('message_count', 'int'),
    c('customer_messages', 'int'),
    c('brand_messages', 'int'),
    c('turns', 'int'),
    c('last_speaker', 'text'),
    c('awaiting_reply_from', 'text'),
    c('first_response_minutes', 'float', true),
    c('median_response_minutes', 'float', true),
    c('hours_since_last_customer_message', 'float'),
    c('customer_sentiment_start', 'float'),
    c('customer_sentiment_end', 'float'),
    c('sentiment_trend', 'float'),
    c('urgency_terms', 'json'),
    c('escalation_terms', 'json'),
    c('topic', 'text'),
    c('topic_terms', 'json'),
    c('brand_asked_dm', 'bool'),
    c('brand_asked_email', 'bool'),
    c('brand_asked_phone', 'bool'),
    c('customer_moved_to', 'json'),
    c('resolution_status', 'text'),
    c('resolution_signal', 'text', true),
    c('as_of', 'timestamp'),
    // Distinct tokens of the customer's last two messages, in byte order (a JSON list): the words the learned model reads.
    c('recent_words', 'json'),
  ],
};

export const CUSTOMER_PROFILES: OutputTable = {
  name: 'customer_profiles',
  key: ['customer_id'],
  columns: [
    c('customer_id', 'text'),
    c('platform_type', 'text'),
    c('conversations', 'int'),
    c('open_conversations', 'int'),
    c('total_interactions', 'int'),
    c('first_interaction_at', 'timestamp'),
    c('last_interaction_at', 'timestamp'),
    c('active_hours', 'json'),
    c('peak_hours', 'json'),
    c('avg_brand_response_minutes', 'float', true),
    c('resolution_rate', 'float'),
    c('dominant_sentiment', 'text'),
    c('dominant_topic', 'text'),
    c('channels_accepted', 'json'),
    c('as_of', 'timestamp'),
  ],
};

export const CONVERSATION_MESSAGES: OutputTable = {
  name: 'conversation_messages',
  key: ['conversation_id', 'seq'],
  columns: [c('conversation_id', 'text'), c('external_id', 'text'), c('seq', 'int'), c('inbound', 'bool')],
};

export const OUTPUT_TABLES = [CONVERSATIONS, CUSTOMER_PROFILES, CONVERSATION_MESSAGES];

/** One row per open conversation and predict run (appended, never replaced), for serve and review. */
export const NBA_PREDICTIONS: OutputTable = {
  name: 'nba_predictions',
  key: ['conversation_id', 'run_id'],
  columns: [
    c('customer_id', 'text'),
    c('chat_log', 'text'),
    c('channel', 'text'),
    c('message', 'text'),
    c('send_time', 'timestamp', true),
    c('reasoning', 'text'),
    c('issue_status', 'text'),
    c('conversation_id', 'text'),
    c('brand', 'text', true),
    c('rule_id', 'text'),
    c('llm_status', 'text'),
    c('topic', 'text'),
    c('sentiment', 'float', true),
    c('fired', 'json'),
    c('run_id', 'text'),
    c('as_of', 'timestamp'),
    // The decision's receipt (policy.ts Receipt): policy, model, each action's numbers, top features, guard-rails.
    c('receipt', 'json'),
  ],
};

/** review: one row per decision a support lead makes (the latest per conversation counts). */
export const NBA_REVIEWS: OutputTable = {
  name: 'nba_reviews',
  key: ['review_id'],
  sortKey: ['run_id', 'conversation_id', 'reviewed_at'],
  columns: [
    c('review_id', 'text'),
    c('run_id', 'text'),
    c('conversation_id', 'text'),
    c('customer_id', 'text'),
    c('decision', 'text'),
    c('channel', 'text'),
    c('message', 'text'),
    c('reason', 'text'),
    c('reviewer', 'text'),
    c('reviewed_at', 'timestamp'),
  ],
};

/** train: one row per trained model (appended); `model` is the whole model as JSON, `metrics` its figures. */
export const MODELS: OutputTable = {
  name: 'models',
  key: ['model_id'],
  columns: [
    c('model_id', 'text'),
    c('trained_at', 'timestamp'),
    c('training_rows', 'int'),
    c('time_range_from', 'timestamp', true),
    c('time_range_to', 'timestamp', true),
    c('metrics', 'json'),
    c('model', 'json'),
  ],
};
