// Compiles a rule set into one SQL CASE expression naming the first matching rule, for set-based batch runs.
// Field names come from the closed set in fields.ts; values are bound parameters ($r0, $r1, ...), never spliced in.
import { isDecisionField, type DecisionField } from './fields.js';
import { orderedRules, type Condition, type RuleSet } from './rules.schema.js';
import { NO_RULE_MATCHED } from './decide.js';

export interface CompiledRules {
  /** CASE WHEN ... THEN 'rule_id' ... END over the decision feature columns. */
  sql: string;
  params: Record<string, string | number | boolean>;
}

export function compileRules(set: RuleSet): CompiledRules {
  const params: Record<string, string | number | boolean> = {};
  const bind = (value: string | number | boolean) => {
    const name = `r${Object.keys(params).length}`;
    params[name] = value;
    return `$${name}`;
  };
  const column = (field: string) => {
    if (!isDecisionField(field)) throw new Error(`unknown decision field ${field}`);
    return field as DecisionField;
  };
  const compile = (condition: Condition): string => {
    if ('all' in condition) return `(${condition.all.map(compile).join(' AND ')})`;
    if ('any' in condition) return `(${condition.any.map(compile).join(' OR ')})`;
    if ('not' in condition) return `(NOT coalesce(${compile(condition.not)}, false))`;
    const field = column(condition.field);
    if (condition.op === 'in') return `(${field} IN (${(condition.value as Array<string | number>).map(bind).join(', ')}))`;
    return `(${field} ${condition.op === '!=' ? '<>' : condition.op} ${bind(condition.value as string | number | boolean)})`;
  };
  const branches = orderedRules(set).map((rule) => `WHEN coalesce(${compile(rule.when)}, false) THEN ${bind(rule.id)}`);
  return { sql: `CASE ${branches.join(' ')} ELSE ${bind(NO_RULE_MATCHED.rule_id)} END`, params };
}
