// Hostile rule files: field names from Object.prototype, conditions nested past the bound, and errors that name the failing path.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/decisions/compile.js';
import { defaultRulesPath } from '../../src/decisions/rules-file.js';
import { MAX_CONDITION_DEPTH, parseRuleSet } from '../../src/decisions/rules.schema.js';
import { UserError } from '../../src/errors.js';

const base = JSON.parse(fs.readFileSync(defaultRulesPath(), 'utf8'));
const rule = base.rules[0];
const turnsIsOne = { field: 'turns', op: '=', value: 1 };

/** The UserError a rule set is refused with; fails the test when it is accepted or fails any other way. */
function refusal(set: unknown): UserError {
  try {
    parseRuleSet(JSON.stringify(set), 'rules.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected the rule set to be refused');
}

function withWhen(when: unknown, at = 0) {
  const rules = base.rules.map((r: object) => ({ ...r }));
  rules[at] = { ...rules[at], when };
  return { ...base, rules };
}

function nestedNots(depth: number): unknown {
  let condition: unknown = turnsIsOne;
  for (let i = 0; i < depth; i++) condition = { not: condition };
  return condition;
}

describe('rule fields are checked against the own fields of the closed list', () => {
  for (const field of ['hasOwnProperty', 'constructor', '__proto__', 'toString', 'valueOf']) {
    it(`refuses ${field} at load, naming the path and the known fields`, () => {
      // JSON.parse keeps "__proto__" as an own key, as a rules file would.
      const set = JSON.parse(JSON.stringify(withWhen({ any: [turnsIsOne, { field: 'FIELD', op: '=', value: 1 }] })).replace('"FIELD"', JSON.stringify(field)));
      const error = refusal(set);
      expect(error.code).toBe('config_invalid');
      expect(error.message).toContain(`rules[0].when.any[1].field: unknown field "${field}"; expected one of message_count,`);
    });
  }

  it('still compiles every real field to SQL', () => {
    const set = parseRuleSet(JSON.stringify(withWhen({ field: 'customer_resolution_rate', op: '<', value: 0.5 })), 'rules.json');
    expect(compileRules(set).sql).toContain('(customer_resolution_rate < $');
  });
});

describe('condition depth is bounded', () => {
  it(`accepts conditions nested ${MAX_CONDITION_DEPTH} deep`, () => {
    expect(MAX_CONDITION_DEPTH).toBe(32);
    const set = parseRuleSet(JSON.stringify(withWhen(nestedNots(MAX_CONDITION_DEPTH - 1))), 'rules.json');
    expect(compileRules(set).sql).toContain('NOT coalesce(');
  });

  it('refuses one level more, naming the rule, in one sentence', () => {
    const error = refusal(withWhen(nestedNots(MAX_CONDITION_DEPTH), 2));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(
      `The rules file rules.json is not a valid rule set: rules[2].when (rule ${base.rules[2].id}) nests conditions ${MAX_CONDITION_DEPTH + 1} deep; at most ${MAX_CONDITION_DEPTH} levels are allowed.`,
    );
  });

  it('refuses 3,000 nested "not" with a clear message instead of overflowing the stack', () => {
    const error = refusal(withWhen(nestedNots(3000)));
    expect(error.message).toMatch(/rules\[0\]\.when \(rule escalate_to_phone\) nests conditions 3001 deep; at most 32 levels are allowed\.$/);
    expect(error.message).not.toMatch(/call stack/);
  });

  it('counts depth through all and any as well as not', () => {
    let condition: unknown = turnsIsOne;
    for (let i = 0; i < 40; i++) condition = i % 2 === 0 ? { all: [turnsIsOne, condition] } : { any: [condition] };
    expect(refusal(withWhen(condition)).message).toMatch(/rules\[0\]\.when \(rule escalate_to_phone\) nests conditions 41 deep/);
  });
});

describe('rule errors name the failing path', () => {
  it('names a bad op inside all, with the ops it accepts', () => {
    const error = refusal(withWhen({ all: [turnsIsOne, { field: 'turns', op: 'eq', value: 1 }] }, 3));
    expect(error.message).toBe('The rules file rules.json is not a valid rule set: rules[3].when.all[1].op: expected one of =, !=, >, >=, <, <=, in, not "eq".');
    expect(error.data.issues).toEqual([expect.objectContaining({ path: ['rules', 3, 'when', 'all', 1, 'op'] })]);
  });

  it('names a missing value under not and any', () => {
    const error = refusal(withWhen({ not: { any: [turnsIsOne, { field: 'topic', op: '=' }] } }));
    expect(error.message).toContain('rules[0].when.not.any[1].value: required');
  });

  it('names a key that is not part of any condition', () => {
    expect(refusal(withWhen({ all: [turnsIsOne], field: 'turns' })).message).toContain('rules[0].when: unknown key "field"');
    expect(refusal(withWhen({ field: 'turns', op: '=', value: 1, when: 2 })).message).toContain('rules[0].when: unknown key "when"');
  });

  it('names the value of a comparison of the wrong type and the op that needs a list', () => {
    expect(refusal(withWhen({ any: [{ field: 'topic', op: '=', value: 3 }] })).message).toContain('rules[0].when.any[0].value: topic is a text field');
    expect(refusal(withWhen({ field: 'turns', op: 'in', value: 3 })).message).toContain('rules[0].when.op: "in" takes a list and only "in" does (turns)');
  });

  it('names a condition that is not an object', () => {
    expect(refusal(withWhen({ all: [turnsIsOne, 'turns = 1'] })).message).toContain('rules[0].when.all[1]: expected object, not string');
  });

  it('names the second rule of a duplicate id', () => {
    expect(refusal({ ...base, rules: [rule, rule] }).message).toContain(`rules[1].id: rule id ${rule.id} appears twice`);
  });
});
