// One open conversation's action as batch predict composes it: decided under the policy, then given its send time,
// message, reasoning and receipt; written as the text columns of the `actions` staging table (actionColumns) or as a
// line of the user's CSV (compose-share.ts). Pure, so the predict job runs it in its own thread or in worker threads
// (compose-share.ts), with the same result either way.
import { composeAction, rulesByIdOf, type Action } from './action.js';
import type { DecisionFeatures } from './fields.js';
import type { LearnedModel } from './model.js';
import { decideWithPolicy, modelContext, type Layer, type Policy } from './policy.js';
import type { Rule, RuleSet } from './rules.schema.js';

/** A decided conversation as a compose share reads it (selectForTemplates, through readDecidedShare). */
export interface DecisionRow {
  conversation_id: string;
  customer_id: string;
  brand: string | null;
  topic: string;
  customer_sentiment_end: number | null;
  customer_rank: number | string;
  peak_hours: string | null;
  recent_words: string[] | null;
  [field: string]: unknown;
}

export interface ComposeContext {
  rules: RuleSet;
  model: LearnedModel | null;
  policy: Policy;
  asOf: Date;
  byId: Map<string, Rule>;
  /** The features of a row, compiled once for the columns read (fields.ts featureReader). */
  features: (row: DecisionRow) => Partial<DecisionFeatures>;
}

/** The columns of the `actions` table, in order (send_time is ISO text or null; fired and receipt JSON text). */
export type ActionColumns = [string, string, string, string | null, string, string, string, string, string];

export function composeContext(rules: RuleSet, model: LearnedModel | null, policy: Policy, asOf: Date, features: ComposeContext['features']): ComposeContext {
  return { rules, model, policy, asOf, byId: rulesByIdOf(rules), features };
}

export function composeRow(row: DecisionRow, context: ComposeContext): { action: Action; layer: Layer } {
  const features = context.features(row) as DecisionFeatures;
  const decision = decideWithPolicy(
    { features, context: modelContext(features, row.brand, row.recent_words), customer_rank: Number(row.customer_rank) },
    context.rules,
    context.model,
    context.policy,
  );
  const action = composeAction(
    {
      conversation_id: row.conversation_id,
      customer_id: row.customer_id,
      brand: row.brand,
      topic: String(row.topic),
      customer_sentiment_end: row.customer_sentiment_end === null ? null : Number(row.customer_sentiment_end),
      peak_hours: row.peak_hours ? (JSON.parse(row.peak_hours) as number[]) : [],
      decision,
      features,
      // Only what serve has too (the stored words, not the message text), so both compose the same message.
      recent_words: row.recent_words,
    },
    context.rules,
    context.asOf,
    context.byId,
  );
  return { action, layer: decision.layer };
}

/** When to send, as both the actions table and the user's CSV write it (null: no send). */
export const sendTimeText = (action: Action): string | null => (action.send_time === null ? null : action.send_time.toISOString());

/** An action as the text columns of the `actions` table. */
export function actionColumns(action: Action): ActionColumns {
  return [
    action.conversation_id,
    action.channel,
    action.message,
    sendTimeText(action),
    action.reasoning,
    action.issue_status,
    action.rule_id,
    JSON.stringify(action.fired),
    JSON.stringify(action.receipt),
  ];
}

/** The names of the `actions` table's columns, in the order of ActionColumns. */
export const ACTION_COLUMN_NAMES = ['conversation_id', 'channel', 'message', 'send_time', 'reasoning', 'issue_status', 'rule_id', 'fired', 'receipt'] as const;

/**
 * An action's columns as one line of newline-delimited JSON (an object keyed by column name, a null as null), for
 * DuckDB's read_ndjson. JSON.stringify escapes natively in one pass: on the 2.8M-row file's 606k actions this read back
 * in 2.2 s against 6.2 s for the same rows as quoted CSV, and the workers skip a replaceAll per field.
 */
export function jsonRecord(columns: ActionColumns): string {
  const record: Record<string, string | null> = {};
  for (let i = 0; i < ACTION_COLUMN_NAMES.length; i += 1) record[ACTION_COLUMN_NAMES[i]] = columns[i];
  return `${JSON.stringify(record)}\n`;
}
