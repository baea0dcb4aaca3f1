// Turns a policy's decision into an action: channel, send time, message, reasoning, expected status and receipt.
// Shared by batch predict and serve (both decide with policy.ts), so the two agree conversation by conversation.
import { distinctFieldsOf, NO_RULE_MATCHED, valuesOf } from './decide.js';
import type { DecisionFeatures } from './fields.js';
import { CONTACT_POLICY_RULE, type PolicyDecision, type Receipt } from './policy.js';
import type { Channel, IssueStatus, Rule, RuleSet, Timing } from './rules.schema.js';
import { computeSendTime, inQuietHours } from './send-time.js';
import { customerSignals, sendAtText, signalNote, templateMessage, templateReasoning, type CustomerSignals } from './templates.js';

export interface ActionInput {
  conversation_id: string;
  customer_id: string;
  brand: string | null;
  topic: string;
  customer_sentiment_end: number | null;
  peak_hours: number[];
  /** What the policy chose, and why (policy.ts decideWithPolicy). */
  decision: PolicyDecision;
  /** Feature values by name, each of its field's type, for the `fired` evidence. */
  features: Partial<DecisionFeatures>;
  /** The distinct words of the customer's last two messages (conversations.recent_words): thanks, a DM, for the message. */
  recent_words?: readonly string[] | null;
  /** The customer's last message, when the caller has it: it also tells a question. */
  last_customer_message?: string | null;
}

export interface Action {
  conversation_id: string;
  channel: Channel;
  message: string;
  send_time: Date | null;
  reasoning: string;
  issue_status: IssueStatus;
  rule_id: string;
  fired: Record<string, unknown>;
  receipt: Receipt;
}

/** The guard-rails that answer with no rule of their own: their description for the reasoning. */
function guardDescription(ruleId: string, rules: RuleSet): string | null {
  if (ruleId === CONTACT_POLICY_RULE) return `another conversation of this customer gets this run's action (one per customer per ${rules.contact_window_hours} h)`;
  if (ruleId === 'already_resolved') return 'the conversation is already resolved';
  if (ruleId === 'no_action_allowed') return 'the rules file allows no action for this conversation';
  return null;
}

const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;

/** The reasoning of a decision a model made: which layer, on what numbers, moved by which features. */
function modelReasoning(decision: PolicyDecision, topic: string, sendTime: Date | null, signals: CustomerSignals): string {
  const { receipt, channel } = decision;
  const row = receipt.actions.find((action) => action.action === channel);
  const allowed = receipt.actions.filter((action) => action.eligible).length;
  const why =
    decision.layer === 'outcome'
      ? `a higher expected value than what this brand's agents most likely do (${row?.expected_value?.toFixed(2)} = P(resolved) x value - cost, ${allowed} action${allowed === 1 ? '' : 's'} allowed)`
      : `what this brand's agents most likely do here (propensity ${row?.propensity?.toFixed(2)}, ${allowed} action${allowed === 1 ? '' : 's'} allowed)`;
  const features = receipt.top_features.map((f) => `${f.feature} ${signed(f.contribution)}`).join(', ');
  return `The ${receipt.policy} policy chose ${channel}: ${why}${features ? `; moved most by ${features}` : ''}; topic ${topic}${signalNote(signals)}.${sendAtText(sendTime)}`;
}

/** What a decision a rule (or a guard-rail with a rule id) made sends and says: its timing, expected status, description and the fields its evidence shows. */
export interface RuleFacts {
  timing: Timing;
  issue_status: IssueStatus;
  description: string;
  /** The fields the rule tested (its `fired` evidence); none for a guard-rail or no match. */
  fields: readonly string[];
}

/** The facts of a decision with a rule id: the rule's own, or a guard-rail's (already resolved, contact policy, no match). */
export function ruleFacts(ruleId: string, rules: RuleSet, byId: Map<string, Rule> = rulesByIdOf(rules)): RuleFacts {
  const rule = byId.get(ruleId);
  if (rule) return { timing: rule.timing, issue_status: rule.issue_status, description: rule.description, fields: distinctFieldsOf(rule.when) };
  return {
    timing: 'none',
    issue_status: ruleId === 'already_resolved' ? 'resolved' : NO_RULE_MATCHED.issue_status,
    description: guardDescription(ruleId, rules) ?? 'no rule matched',
    fields: [],
  };
}

/** A model's choice: the matched rule's timing and status when it sends something. */
function modelTiming(decision: PolicyDecision): { timing: Timing; issue_status: IssueStatus } {
  const sends = decision.match.channel !== 'no_action';
  return { timing: sends ? decision.match.timing : 'soon', issue_status: sends ? decision.match.issue_status : 'pending_customer_response' };
}

const rulesById = new WeakMap<RuleSet, Map<string, Rule>>();

/** A rule set's rules by id, built once per rule set (serve composes an action on every request). */
export function rulesByIdOf(rules: RuleSet): Map<string, Rule> {
  let byId = rulesById.get(rules);
  if (!byId) rulesById.set(rules, (byId = new Map(rules.rules.map((r) => [r.id, r]))));
  return byId;
}

/** The guard-rail a receipt names when the quiet hours moved a send (null when they did not apply). */
export function quietHoursGuard(rules: RuleSet, asOf: Date, timing: Timing, sendTime: Date | null): string | null {
  if (!sendTime || timing === 'urgent' || !inQuietHours(asOf.getUTCHours(), rules.quiet_hours)) return null;
  return `quiet hours (${rules.quiet_hours.start}:00-${rules.quiet_hours.end}:00 UTC): sent at ${sendTime.toISOString()}`;
}

export function composeAction(input: ActionInput, rules: RuleSet, asOf: Date, byId: Map<string, Rule> = rulesByIdOf(rules)): Action {
  const { decision } = input;
  const facts = decision.rule_id === null ? null : ruleFacts(decision.rule_id, rules, byId);
  const ruleId = decision.rule_id ?? `model_${decision.layer}`;
  const channel = decision.channel;
  const { timing, issue_status } = facts ?? modelTiming(decision);
  const fired = facts ? valuesOf(facts.fields, input.features, null) : Object.fromEntries(decision.receipt.top_features.map((f) => [f.feature, f.contribution]));
  const sendTime = computeSendTime({ asOf, timing, peakHours: input.peak_hours, quietHours: rules.quiet_hours });
  const receipt: Receipt = { ...decision.receipt, guard_rails: [...decision.receipt.guard_rails] };
  const quiet = quietHoursGuard(rules, asOf, timing, sendTime);
  if (quiet !== null) receipt.guard_rails.push(quiet);
  const description = facts?.description ?? 'no rule matched';
  const signals = customerSignals({
    customer_sentiment_end: input.customer_sentiment_end,
    topic: input.topic,
    customer_moved_to_dm: input.features.customer_moved_to_dm,
    recent_words: input.recent_words,
    last_customer_message: input.last_customer_message,
  });
  const template = {
    customer_id: input.customer_id,
    brand: input.brand,
    channel,
    rule_id: ruleId,
    rule_description: description,
    fired,
    topic: input.topic,
    customer_sentiment_end: input.customer_sentiment_end,
    send_time: sendTime,
    signals,
  };
  return {
    conversation_id: input.conversation_id,
    channel,
    message: templateMessage(template),
    send_time: sendTime,
    reasoning: decision.rule_id === null ? modelReasoning(decision, input.topic, sendTime, signals) : templateReasoning(template),
    issue_status,
    rule_id: ruleId,
    fired,
    receipt,
  };
}
