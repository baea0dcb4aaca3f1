// The rows the stores hand back, typed, and the one place that turns a driver's values into them: dates as Date,
// JSON parsed, booleans as booleans, numbers as numbers. No caller patches over what one database returns.
import { parseTimestamp } from '../files/timestamps.js';
import { CONVERSATIONS, CUSTOMER_PROFILES, MODELS, NBA_PREDICTIONS, type Column } from '../model/schema.js';

/** A stored conversation (the conversations table), as serve keeps it in memory. */
export interface ConversationRow {
  conversation_id: string;
  platform_type: string;
  customer_id: string;
  brand: string | null;
  thread_root_id: string;
  started_at: Date;
  ended_at: Date;
  message_count: number;
  customer_messages: number;
  brand_messages: number;
  turns: number;
  last_speaker: string;
  awaiting_reply_from: string;
  first_response_minutes: number | null;
  median_response_minutes: number | null;
  hours_since_last_customer_message: number;
  customer_sentiment_start: number;
  customer_sentiment_end: number;
  sentiment_trend: number;
  urgency_terms: string[];
  escalation_terms: string[];
  topic: string;
  topic_terms: string[];
  brand_asked_dm: boolean;
  brand_asked_email: boolean;
  brand_asked_phone: boolean;
  customer_moved_to: string[];
  resolution_status: string;
  resolution_signal: string | null;
  as_of: Date;
  /** Distinct tokens of the customer's last two messages, in byte order. */
  recent_words: string[];
}

/** A customer's profile (the customer_profiles table). */
export interface ProfileRow {
  customer_id: string;
  platform_type: string;
  conversations: number;
  open_conversations: number;
  total_interactions: number;
  first_interaction_at: Date;
  last_interaction_at: Date;
  /** Messages per hour of the day, 24 counts. */
  active_hours: number[];
  peak_hours: number[];
  avg_brand_response_minutes: number | null;
  resolution_rate: number;
  dominant_sentiment: string;
  dominant_topic: string;
  channels_accepted: string[];
  as_of: Date;
}

/** One row of nba_predictions (without created_at, which only orders the runs). */
export interface PredictionRow {
  customer_id: string;
  chat_log: string;
  channel: string;
  message: string;
  send_time: Date | null;
  reasoning: string;
  issue_status: string;
  conversation_id: string;
  brand: string | null;
  rule_id: string;
  llm_status: string;
  topic: string;
  sentiment: number | null;
  /** The features the rule tested, with their values. */
  fired: Record<string, unknown>;
  run_id: string;
  as_of: Date;
  /** The decision's receipt (the Receipt of src/decisions/policy.ts); {} for predictions made before receipts. */
  receipt: Record<string, unknown>;
}

/**
 * A trained model as a store keeps it (the models table). `model` is the whole model, parsed from its JSON; what it
 * must hold is the decisions layer's to check (model-file.ts), since stores know no stage.
 */
export interface ModelRow {
  model_id: string;
  trained_at: Date;
  training_rows: number;
  time_range_from: Date | null;
  time_range_to: Date | null;
  metrics: Record<string, number>;
  model: Record<string, unknown>;
}

/** What saveModel takes: a model with its id, time of training, rows, time range and metrics, saved whole. */
export interface ModelToSave {
  model_id: string;
  trained_at: string;
  training_rows: number;
  time_range: { from: string | null; to: string | null };
  metrics: Record<string, number>;
}

/** The latest decision on one conversation of a run (nba_reviews). */
export interface LatestReview {
  conversation_id: string;
  decision: 'approved' | 'rejected' | 'edited';
  channel: string;
  message: string;
  reason: string;
}

/** One message of a conversation, for its chat log. */
export interface ChatLine {
  seq: number;
  inbound: boolean;
  author: string;
  text: string;
}

const text = (name: string, nullable = false): Column => ({ name, type: 'text', nullable });

/** The columns of each read, in the schema's terms. */
export const ROW_COLUMNS = {
  conversation: CONVERSATIONS.columns,
  profile: CUSTOMER_PROFILES.columns,
  prediction: NBA_PREDICTIONS.columns,
  model: MODELS.columns,
  latestReview: [text('conversation_id'), text('decision'), text('channel'), text('message'), text('reason')],
  chatLine: [{ name: 'seq', type: 'int' }, { name: 'inbound', type: 'bool' }, text('author'), text('text')],
} satisfies Record<string, Column[]>;

/** What a driver leaves untyped: ClickHouse sends JSON columns as text, node-postgres parses them. */
export interface DriverValues {
  jsonAsText: boolean;
}

function typedValue(column: Column, value: unknown, driver: DriverValues): unknown {
  if (value === null || value === undefined) {
    if (column.nullable) return null;
    throw new Error(`column ${column.name} is missing or null, and the schema says it never is`);
  }
  switch (column.type) {
    case 'text':
      return String(value);
    // 64-bit integers arrive as text from node-postgres and a ClickHouse server.
    case 'int':
    case 'float':
      return Number(value);
    case 'bool':
      return typeof value === 'boolean' ? value : value === 1 || value === '1';
    case 'timestamp':
      // Arrow hands a timestamp over as epoch milliseconds.
      return typeof value === 'number' ? new Date(value) : parseTimestamp(value instanceof Date ? value : String(value));
    case 'json':
      return driver.jsonAsText && typeof value === 'string' ? JSON.parse(value) : value;
  }
}

/** A row with exactly the given columns, each of its schema type; columns the query added beyond them are left out. */
export function typedRow<T>(columns: readonly Column[], row: Record<string, unknown>, driver: DriverValues): T {
  return Object.fromEntries(columns.map((column) => [column.name, typedValue(column, row[column.name], driver)])) as T;
}

export function typedRows<T>(columns: readonly Column[], rows: ReadonlyArray<Record<string, unknown>>, driver: DriverValues): T[] {
  return rows.map((row) => typedRow<T>(columns, row, driver));
}

/**
 * Rows serve keeps in memory, typed when a request asks for one: a store may hold them as columns (Arrow) and build a
 * row object only on access, so start-up neither parses nor allocates an object per row. The rows answer for their
 * customers themselves: Arrow rows sorted by customer id are searched in place, with no index built at start.
 */
export interface RowSet<T> {
  readonly length: number;
  /** How many distinct customers the rows hold. */
  readonly customers: number;
  /** A customer's rows, in row order; none for a customer the rows do not hold. */
  rowsOf(customerId: string): number[];
  row(index: number): T;
}

/** Where each customer's rows are, from every row's customer id in row order: one Map entry per customer. */
export function customerIndex(ids: readonly string[]): Pick<RowSet<unknown>, 'customers' | 'rowsOf'> {
  const rowsByCustomer = new Map<string, number[]>();
  ids.forEach((id, index) => {
    const rows = rowsByCustomer.get(id);
    if (rows) rows.push(index);
    else rowsByCustomer.set(id, [index]);
  });
  return { customers: rowsByCustomer.size, rowsOf: (customerId) => rowsByCustomer.get(customerId) ?? [] };
}

/** Rows already typed, as a RowSet. */
export function arrayRowSet<T extends { customer_id: string }>(rows: readonly T[]): RowSet<T> {
  return { length: rows.length, ...customerIndex(rows.map((row) => row.customer_id)), row: (index) => rows[index] };
}
