// One customer's next best action, decided in TypeScript from the stored conversations and profile (for serve).
// The same rules and composition as batch predict; a test checks the two agree customer by customer.
import { composeAction, typedFeature, type Action } from './action.js';
import { matchRule } from './decide.js';
import { storedConversationFeatures } from './derived.js';
import { DECISION_FIELDS, type DecisionFeatures } from './fields.js';
import { orderedRules, type RuleSet } from './rules.schema.js';
import { parseTimestamp } from '../files/timestamps.js';
import type { CustomerRecord } from '../stores/index.js';

export interface CustomerDecision {
  customer_id: string;
  /** null when the customer has nothing open. */
  conversation_id: string | null;
  action: Action | null;
  /** Why there is no action (nothing open), for the response. */
  why: string | null;
  as_of: string | null;
  features: Partial<DecisionFeatures>;
}

/** ClickHouse hands JSON columns over as text, node-postgres as parsed values: compare them as text. */
const jsonText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

const toDate = (value: unknown): Date => parseTimestamp(value instanceof Date ? value : String(value));

/** The decision features of one stored conversation, with the derived flags batch predict computes in SQL (one definition, derived.ts). */
export function decisionFeatures(conversation: Record<string, unknown>, profile: Record<string, unknown> | null): DecisionFeatures {
  const derived: Record<string, unknown> = {
    ...conversation,
    ...storedConversationFeatures(conversation),
    customer_conversations: profile?.conversations ?? 1,
    customer_resolution_rate: profile?.resolution_rate ?? 0,
  };
  return Object.fromEntries(Object.keys(DECISION_FIELDS).map((field) => [field, typedFeature(field, derived[field])])) as DecisionFeatures;
}

export function decideForCustomer(customerId: string, record: CustomerRecord, rules: RuleSet): CustomerDecision {
  const open = record.conversations.filter((conversation) => conversation.resolution_status === 'open');
  if (open.length === 0) {
    return {
      customer_id: customerId,
      conversation_id: null,
      action: null,
      why: 'nothing is open for this customer (every conversation is resolved)',
      as_of: null,
      features: {},
    };
  }
  const ordered = orderedRules(rules);
  const priority = new Map(ordered.map((rule) => [rule.id, rule.priority]));
  // The contact policy of batch predict: the best-ranked rule wins, then the most recent conversation.
  const ranked = open
    .map((conversation) => ({ conversation, features: decisionFeatures(conversation, record.profile) }))
    .map((entry) => ({ ...entry, match: matchRule(entry.features, ordered) }))
    .sort(
      (a, b) =>
        (priority.get(a.match.rule_id) ?? Number.MAX_SAFE_INTEGER) - (priority.get(b.match.rule_id) ?? Number.MAX_SAFE_INTEGER) ||
        toDate(b.conversation.ended_at).getTime() - toDate(a.conversation.ended_at).getTime() ||
        String(a.conversation.conversation_id).localeCompare(String(b.conversation.conversation_id)),
    );
  const best = ranked[0];
  const asOf = toDate(best.conversation.as_of);
  const peakHours = record.profile?.peak_hours ? (JSON.parse(jsonText(record.profile.peak_hours)) as number[]) : [];
  const action = composeAction(
    {
      conversation_id: String(best.conversation.conversation_id),
      customer_id: customerId,
      brand: (best.conversation.brand as string | null) ?? null,
      topic: String(best.conversation.topic),
      customer_sentiment_end: best.conversation.customer_sentiment_end === null ? null : Number(best.conversation.customer_sentiment_end),
      peak_hours: peakHours,
      matched_rule: best.match.rule_id,
      customer_rank: 1,
      features: best.features,
    },
    rules,
    asOf,
  );
  return { customer_id: customerId, conversation_id: action.conversation_id, action, why: null, as_of: asOf.toISOString(), features: best.features };
}
