// Rule evaluation as pure functions: which rule fires for a conversation, and the feature values that made it fire.
// compile.ts turns the same rules into one SQL CASE for set-based batch runs; a test checks they agree.
import type { DecisionFeatures } from './fields.js';
import { orderedRules, type Channel, type Comparison, type Condition, type IssueStatus, type Rule, type RuleSet, type Timing } from './rules.schema.js';

export interface RuleMatch {
  rule_id: string;
  channel: Channel;
  timing: Timing;
  issue_status: IssueStatus;
  /** The features the matching rule tested, with their values. */
  fired: Record<string, unknown>;
}

/** When no rule matches, the engine does nothing rather than guess. */
export const NO_RULE_MATCHED: Omit<RuleMatch, 'fired'> = { rule_id: 'no_rule_matched', channel: 'no_action', timing: 'none', issue_status: 'pending_customer_response' };

function compare(test: Comparison, features: DecisionFeatures): boolean {
  const actual = features[test.field as keyof DecisionFeatures];
  // SQL semantics: a comparison with a missing value is not true.
  if (actual === null || actual === undefined) return false;
  switch (test.op) {
    case '=':
      return actual === test.value;
    case '!=':
      return actual !== test.value;
    case '>':
      return (actual as number) > (test.value as number);
    case '>=':
      return (actual as number) >= (test.value as number);
    case '<':
      return (actual as number) < (test.value as number);
    case '<=':
      return (actual as number) <= (test.value as number);
    case 'in':
      return (test.value as Array<string | number>).includes(actual as string | number);
  }
}

// Loops rather than every/some with a closure: serve and batch predict test every rule of every open conversation.
export function holds(condition: Condition, features: DecisionFeatures): boolean {
  if ('all' in condition) {
    for (const c of condition.all) if (!holds(c, features)) return false;
    return true;
  }
  if ('any' in condition) {
    for (const c of condition.any) if (holds(c, features)) return true;
    return false;
  }
  if ('not' in condition) return !holds(condition.not, features);
  return compare(condition, features);
}

export function fieldsOf(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(fieldsOf);
  if ('any' in condition) return condition.any.flatMap(fieldsOf);
  if ('not' in condition) return fieldsOf(condition.not);
  return [condition.field];
}

const distinctFields = new WeakMap<Condition, readonly string[]>();

/** The distinct fields a condition tests, in order, worked out once per condition (batch predict asks per row). */
export function distinctFieldsOf(condition: Condition): readonly string[] {
  let fields = distinctFields.get(condition);
  if (!fields) distinctFields.set(condition, (fields = [...new Set(fieldsOf(condition))]));
  return fields;
}

/** The values of `fields` in `features`, by name (`missing` for a feature without a value). */
export function valuesOf(fields: readonly string[], features: Partial<DecisionFeatures>, missing: null | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) values[field] = features[field as keyof DecisionFeatures] ?? missing;
  return values;
}

export function matchRule(features: DecisionFeatures, rules: RuleSet | Rule[]): RuleMatch {
  const ordered = Array.isArray(rules) ? rules : orderedRules(rules);
  for (const rule of ordered) {
    if (!holds(rule.when, features)) continue;
    const fired = valuesOf(distinctFieldsOf(rule.when), features, undefined);
    return { rule_id: rule.id, channel: rule.channel, timing: rule.timing, issue_status: rule.issue_status, fired };
  }
  return { ...NO_RULE_MATCHED, fired: {} };
}
