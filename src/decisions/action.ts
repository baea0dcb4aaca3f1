// Turns a matched rule into an action: channel, send time, message, reasoning and expected status, with the contact
// policy applied. Shared by batch predict (rules matched in SQL) and serve (rules matched in TypeScript).
import { fieldsOf, NO_RULE_MATCHED } from './decide.js';
import type { DecisionFeatures } from './fields.js';
import type { Channel, IssueStatus, Rule, RuleSet } from './rules.schema.js';
import { computeSendTime } from './send-time.js';
import { templateMessage, templateReasoning } from './templates.js';

export interface ActionInput {
  conversation_id: string;
  customer_id: string;
  brand: string | null;
  topic: string;
  customer_sentiment_end: number | null;
  peak_hours: number[];
  /** The id of the first matching rule, or no_rule_matched. */
  matched_rule: string;
  /** 1 for the customer's conversation that keeps this run's action; more for the others. */
  customer_rank: number;
  /** Feature values by name, each of its field's type, for the `fired` evidence. */
  features: Partial<DecisionFeatures>;
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
}

export function composeAction(input: ActionInput, rules: RuleSet, asOf: Date, byId: Map<string, Rule> = new Map(rules.rules.map((r) => [r.id, r]))): Action {
  const matched = byId.get(input.matched_rule);
  const blockedByPolicy = input.customer_rank > 1 && matched !== undefined && matched.channel !== 'no_action';
  const rule = blockedByPolicy ? undefined : matched;
  const ruleId = blockedByPolicy ? 'contact_policy' : (rule?.id ?? NO_RULE_MATCHED.rule_id);
  const channel = rule?.channel ?? 'no_action';
  const description = blockedByPolicy
    ? `another conversation of this customer gets this run's action (one per customer per ${rules.contact_window_hours} h)`
    : (rule?.description ?? 'no rule matched');
  const fired = rule ? Object.fromEntries([...new Set(fieldsOf(rule.when))].map((field) => [field, input.features[field as keyof DecisionFeatures] ?? null])) : {};
  const sendTime = computeSendTime({ asOf, timing: rule?.timing ?? 'none', peakHours: input.peak_hours, quietHours: rules.quiet_hours });
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
  };
  return {
    conversation_id: input.conversation_id,
    channel,
    message: templateMessage(template),
    send_time: sendTime,
    reasoning: templateReasoning(template),
    issue_status: rule?.issue_status ?? NO_RULE_MATCHED.issue_status,
    rule_id: ruleId,
    fired,
  };
}
