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

/** Binds a value as the next of `params` ($r0, $r1, ...) and returns its placeholder. */
export type Binder = (value: string | number | boolean) => string;

export function binder(params: Record<string, string | number | boolean>, prefix = 'r'): Binder {
  return (value) => {
    const name = `${prefix}${Object.keys(params).length}`;
    params[name] = value;
    return `$${name}`;
  };
}

/** A condition as a SQL boolean over the decision feature columns (NULL where a missing value decides; callers coalesce). */
export function compileCondition(condition: Condition, bind: Binder): string {
  const column = (field: string) => {
    if (!isDecisionField(field)) throw new Error(`unknown decision field ${field}`);
    return field as DecisionField;
  };
  const compile = (c: Condition): string => {
    if ('all' in c) return `(${c.all.map(compile).join(' AND ')})`;
    if ('any' in c) return `(${c.any.map(compile).join(' OR ')})`;
    if ('not' in c) return `(NOT coalesce(${compile(c.not)}, false))`;
    const field = column(c.field);
    if (c.op === 'in') return `(${field} IN (${(c.value as Array<string | number>).map(bind).join(', ')}))`;
    return `(${field} ${c.op === '!=' ? '<>' : c.op} ${bind(c.value as string | number | boolean)})`;
  };
  return compile(condition);
}

export function compileRules(set: RuleSet): CompiledRules {
  const params: Record<string, string | number | boolean> = {};
  const bind = binder(params);
  const branches = orderedRules(set).map((rule) => `WHEN coalesce(${compileCondition(rule.when, bind)}, false) THEN ${bind(rule.id)}`);
  return { sql: `CASE ${branches.join(' ')} ELSE ${bind(NO_RULE_MATCHED.rule_id)} END`, params };
}
