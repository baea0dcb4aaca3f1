// One customer's next best action, decided in TypeScript from the stored conversations and profile (for serve).
// The same rules, policy and composition as batch predict; a test checks the two agree customer by customer.
import { composeAction, type Action } from './action.js';
import { matchRule } from './decide.js';
import { DERIVED_FEATURES, storedConversationFeatures } from './derived.js';
import { DECISION_FIELDS, identifier, type DecisionFeatures } from './fields.js';
import type { LearnedModel } from './model.js';
import { decideWithPolicy, modelContext, type Policy } from './policy.js';
import { orderedRules, type Rule, type RuleSet } from './rules.schema.js';
import type { ConversationRow, CustomerRecord, ProfileRow } from '../stores/index.js';

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

/** The decision features of one stored conversation, with the derived flags batch predict computes in SQL (one definition, derived.ts). */
export function decisionFeatures(conversation: ConversationRow, profile: ProfileRow | null): DecisionFeatures {
  return buildFeatures(conversation, storedConversationFeatures(conversation), profile);
}

/** Where each decision field comes from: a derived flag, the profile, or the conversation's own column. */
const FIELD_SOURCES = Object.keys(DECISION_FIELDS).map((field) => {
  const source = Object.hasOwn(DERIVED_FEATURES, field)
    ? `derived.${field}`
    : field === 'customer_conversations'
      ? '(profile?.conversations ?? 1)'
      : field === 'customer_resolution_rate'
        ? '(profile?.resolution_rate ?? 0)'
        : `row.${field}`;
  return `${identifier(field)}: ${source} ?? null`;
});

/**
 * One object literal with every field, compiled once from DECISION_FIELDS (a closed set of identifiers in this code, no
 * user text): serve builds it for every open conversation of every request, and a literal has one shape and reads each
 * column directly, where a loop over the names read and wrote by key.
 */
const buildFeatures = new Function('row', 'derived', 'profile', `return { ${FIELD_SOURCES.join(', ')} };`) as (
  row: ConversationRow,
  derived: Record<string, boolean>,
  profile: ProfileRow | null,
) => DecisionFeatures;

/** The policy a decision runs under: the rules alone, or a policy with the model it reads (null: the rules decide). */
export interface PolicyChoice {
  policy: Policy;
  model: LearnedModel | null;
}

export const RULES_ONLY: PolicyChoice = { policy: 'rules', model: null };

const inOrder = new WeakMap<RuleSet, { ordered: Rule[]; priority: Map<string, number> }>();

/** A rule set's rules in the order they are tried, and each one's priority: sorted once per rule set, not per request. */
function rulesInOrder(rules: RuleSet): { ordered: Rule[]; priority: Map<string, number> } {
  let entry = inOrder.get(rules);
  if (!entry) {
    const ordered = orderedRules(rules);
    inOrder.set(rules, (entry = { ordered, priority: new Map(ordered.map((rule) => [rule.id, rule.priority])) }));
  }
  return entry;
}

/** A customer's open conversations, the one that gets the action first. */
function rankOpen(open: ConversationRow[], profile: ProfileRow | null, rules: RuleSet) {
  const { ordered, priority } = rulesInOrder(rules);
  return open
    .map((conversation) => {
      const features = decisionFeatures(conversation, profile);
      return { conversation, features, match: matchRule(features, ordered) };
    })
    .sort(
      (a, b) =>
        (priority.get(a.match.rule_id) ?? Number.MAX_SAFE_INTEGER) - (priority.get(b.match.rule_id) ?? Number.MAX_SAFE_INTEGER) ||
        b.conversation.ended_at.getTime() - a.conversation.ended_at.getTime() ||
        a.conversation.conversation_id.localeCompare(b.conversation.conversation_id),
    );
}

export function decideForCustomer(customerId: string, record: CustomerRecord, rules: RuleSet, choice: PolicyChoice = RULES_ONLY): CustomerDecision {
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
  // The contact policy of batch predict: the conversation whose rule ranks first (then the most recent) gets the action.
  // Most customers have one open conversation: it is the one, with no rule to match for the ranking.
  const best =
    open.length === 1
      ? { conversation: open[0], features: decisionFeatures(open[0], record.profile) }
      : rankOpen(open, record.profile, rules)[0];
  const asOf = best.conversation.as_of;
  const action = composeAction(
    {
      conversation_id: best.conversation.conversation_id,
      customer_id: customerId,
      brand: best.conversation.brand,
      topic: best.conversation.topic,
      customer_sentiment_end: best.conversation.customer_sentiment_end,
      peak_hours: record.profile?.peak_hours ?? [],
      decision: decideWithPolicy(
        { features: best.features, context: modelContext(best.features, best.conversation.brand, best.conversation.recent_words), customer_rank: 1 },
        rules,
        choice.model,
        choice.policy,
      ),
      features: best.features,
      recent_words: best.conversation.recent_words,
    },
    rules,
    asOf,
  );
  return { customer_id: customerId, conversation_id: action.conversation_id, action, why: null, as_of: asOf.toISOString(), features: best.features };
}
