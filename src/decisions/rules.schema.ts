// Rules are data: a rule set file (JSON) validated on load. The first matching rule by priority wins.
import fs from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { DECISION_FIELDS, isDecisionField } from './fields.js';
import { ACTIONS, type Action } from './model.js';

export const CHANNELS = ['twitter_dm_reply', 'twitter_public_reply', 'email_reply', 'scheduling_phone_call', 'no_action'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ISSUE_STATUSES = ['resolved', 'pending_customer_response', 'awaiting_agent', 'escalated'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** When to send: urgent within 15 minutes, soon within the hour, or at the customer's next active hour. */
export const TIMINGS = ['urgent', 'soon', 'active_hours', 'none'] as const;
export type Timing = (typeof TIMINGS)[number];

export const OPS = ['=', '!=', '>', '>=', '<', '<=', 'in'] as const;

/** How deep all/any/not may nest; deeper rule sets are refused at load, before anything recurses over them. */
export const MAX_CONDITION_DEPTH = 32;

/** Plain messages for the issues a hand-written rules file runs into; anything else keeps zod's own. */
const plainMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (issue.code === 'invalid_value') return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.join(', ')}`}, not ${JSON.stringify(issue.input)}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, not ${Array.isArray(issue.input) ? 'a list' : issue.input === null ? 'null' : typeof issue.input}`;
  if (issue.code === 'too_small' && issue.origin === 'array') return `expected at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
  return undefined;
};

const fieldName = z.string().refine(isDecisionField, { error: (issue) => `unknown field ${JSON.stringify(issue.input)}; expected one of ${Object.keys(DECISION_FIELDS).join(', ')}` });

const comparison = z
  .object({
    field: fieldName,
    op: z.enum(OPS),
    value: z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string()])).min(1)], {
      error: (issue) => (issue.input === undefined ? 'required' : 'expected a number, a string, a boolean or a non-empty list of numbers or strings'),
    }),
  })
  .strict()
  .superRefine((test, ctx) => {
    if (!isDecisionField(test.field)) return;
    const type = DECISION_FIELDS[test.field];
    const values = Array.isArray(test.value) ? test.value : [test.value];
    if ((test.op === 'in') !== Array.isArray(test.value)) ctx.addIssue({ code: 'custom', path: ['op'], message: `"in" takes a list and only "in" does (${test.field})` });
    const expected = type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'string';
    if (values.some((value) => typeof value !== expected)) ctx.addIssue({ code: 'custom', path: ['value'], message: `${test.field} is a ${type} field` });
    if (type !== 'number' && ['>', '>=', '<', '<='].includes(test.op)) ctx.addIssue({ code: 'custom', path: ['op'], message: `${test.op} needs a number field, not ${test.field}` });
  });

export type Comparison = z.infer<typeof comparison>;
export type Condition = Comparison | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const allOf = z.object({ all: z.array(z.lazy(() => condition)).min(1) }).strict();
const anyOf = z.object({ any: z.array(z.lazy(() => condition)).min(1) }).strict();
const notOf = z.object({ not: z.lazy(() => condition) }).strict();

// The branch is chosen by its key, so an error names the path inside it (when.all[1].op) instead of a union's bare "Invalid input".
const condition: z.ZodType<Condition, unknown> = z.unknown().transform((value, ctx) => {
  const keyed = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  const branch = Object.hasOwn(keyed, 'all') ? allOf : Object.hasOwn(keyed, 'any') ? anyOf : Object.hasOwn(keyed, 'not') ? notOf : comparison;
  const parsed = branch.safeParse(value, { error: plainMessages });
  if (parsed.success) return parsed.data as Condition;
  // The inner parse dropped each issue's input; keep it out rather than let addIssue attach the whole condition.
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: undefined } as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});

const rule = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case'),
    description: z.string().min(1),
    priority: z.number().int(),
    when: condition,
    channel: z.enum(CHANNELS),
    timing: z.enum(TIMINGS),
    issue_status: z.enum(ISSUE_STATUSES),
  })
  .strict();

export type Rule = z.infer<typeof rule>;

const worth = z.object({ value: z.number().nonnegative(), cost: z.number().nonnegative() }).strict();

/**
 * How the learned policies arbitrate (src/decisions/policy.ts): what a resolution is worth and what each action costs
 * (expected value = P(resolved | context, action) x value - cost), which actions a conversation may take, which matched
 * rules hold a conversation (nothing is sent), and how much evidence per brand each model layer needs.
 */
const actionsSchema = z
  .object({
    worth: z.object(Object.fromEntries(ACTIONS.map((action) => [action, worth])) as Record<Action, typeof worth>).strict(),
    /** An action is allowed only when its condition holds; an action without one is always allowed. */
    allowed_when: z.object(Object.fromEntries(ACTIONS.map((action) => [action, condition.optional()])) as Record<Action, z.ZodOptional<typeof condition>>).strict(),
    /**
     * Rules that, when they are a conversation's first match, hold it: no action, whatever the model says. An id no
     * rule has holds nothing (a copy of the default file with other rules stays valid).
     */
    hold_rules: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a rule id (lower_snake_case)')),
    /** Brand replies of the brand in training the outcome model needs before it decides for that brand. */
    min_outcome_samples: z.number().int().nonnegative(),
    /** Brand replies in training (all brands: the propensity model is pooled) the propensity model needs before it decides. */
    min_propensity_samples: z.number().int().nonnegative(),
    /** Resolved replies with an action on a topic, in training, before the learned policy compares that action with another there. */
    min_action_resolved: z.number().int().nonnegative().default(10),
    /** How much more expected value an action needs than the agents' likely choice for the learned policy to choose it. */
    min_outcome_gain: z.number().nonnegative().default(0.02),
  })
  .strict();

export type ActionSettings = z.infer<typeof actionsSchema>;

/** Parse with parseRuleSet, which bounds the nesting before this schema recurses into it. */
export const ruleSetSchema = z
  .object({
    version: z.literal(1),
    /** Quiet hours in UTC, [start, end): nothing but urgent actions is sent then. */
    quiet_hours: z.object({ start: z.number().int().min(0).max(23), end: z.number().int().min(0).max(23) }).strict(),
    /** At most one action per customer per this many hours. */
    contact_window_hours: z.number().positive(),
    rules: z.array(rule).min(1),
    /** The learned policies' settings; without them, DEFAULT_ACTION_SETTINGS. */
    actions: actionsSchema.optional(),
  })
  .strict()
  .superRefine((set, ctx) => {
    const ids = set.rules.map((r) => r.id);
    const at = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (at >= 0) ctx.addIssue({ code: 'custom', path: ['rules', at, 'id'], message: `rule id ${ids[at]} appears twice` });
    if (set.actions && set.actions.min_propensity_samples > set.actions.min_outcome_samples) {
      ctx.addIssue({ code: 'custom', path: ['actions', 'min_propensity_samples'], message: 'must be at most min_outcome_samples (the propensity model is the fallback when the outcome model lacks evidence)' });
    }
  });

export type RuleSet = z.infer<typeof ruleSetSchema>;

/** The learned policies' settings of a rule set that has no `actions` block (default-rules.json spells them out). */
export const DEFAULT_ACTION_SETTINGS: ActionSettings = {
  worth: {
    twitter_public_reply: { value: 1, cost: 0.05 },
    twitter_dm_reply: { value: 1, cost: 0.1 },
    email_reply: { value: 1, cost: 0.2 },
    scheduling_phone_call: { value: 1, cost: 0.5 },
  },
  allowed_when: {
    scheduling_phone_call: {
      any: [
        { field: 'is_escalating', op: '=', value: true },
        { field: 'brand_asked_phone', op: '=', value: true },
        { field: 'message_count', op: '>=', value: 6 },
      ],
    },
  },
  /** Filled by actionSettings: the rule set's rules that answer no_action. */
  hold_rules: [],
  min_outcome_samples: 30,
  min_propensity_samples: 10,
  min_action_resolved: 10,
  min_outcome_gain: 0.02,
};

/** The rule set's learned-policy settings, or the defaults, where every rule that answers no_action holds a conversation. */
const defaultSettings = new WeakMap<RuleSet, ActionSettings>();

/** Worked out once per rule set: every decision asks. */
export function actionSettings(set: RuleSet): ActionSettings {
  if (set.actions) return set.actions;
  let settings = defaultSettings.get(set);
  if (!settings) defaultSettings.set(set, (settings = { ...DEFAULT_ACTION_SETTINGS, hold_rules: set.rules.filter((r) => r.channel === 'no_action').map((r) => r.id) }));
  return settings;
}

/** The rules sorted by priority (then id, so ties are stable). */
export function orderedRules(set: RuleSet): Rule[] {
  return [...set.rules].sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
}

/** rules[3].when.all[1].op, as a reader would write the path. */
function pathText(path: PropertyKey[]): string {
  const text = path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
  return text || 'top level';
}

/** The conditions of a rules file as [where, condition], before validation: each rule's `when` and the actions' `allowed_when`. */
function conditionsOf(data: unknown): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  const rules = typeof data === 'object' && data !== null && Array.isArray((data as { rules?: unknown }).rules) ? (data as { rules: unknown[] }).rules : [];
  for (const [index, rule] of rules.entries()) {
    if (typeof rule !== 'object' || rule === null || !Object.hasOwn(rule, 'when')) continue;
    const id = (rule as { id?: unknown }).id;
    found.push([`rules[${index}].when${typeof id === 'string' ? ` (rule ${id})` : ''}`, (rule as { when: unknown }).when]);
  }
  const actions = typeof data === 'object' && data !== null ? (data as { actions?: unknown }).actions : undefined;
  const allowed = typeof actions === 'object' && actions !== null ? (actions as { allowed_when?: unknown }).allowed_when : undefined;
  if (typeof allowed === 'object' && allowed !== null) for (const [action, when] of Object.entries(allowed)) found.push([`actions.allowed_when.${action}`, when]);
  return found;
}

/** The deepest nesting of all/any/not in each condition, walked without recursion so any depth is measured safely. */
function tooDeep(data: unknown): string | null {
  for (const [where, when] of conditionsOf(data)) {
    let deepest = 0;
    const pending: Array<[unknown, number]> = [[when, 1]];
    while (pending.length > 0) {
      const [node, depth] = pending.pop()!;
      deepest = Math.max(deepest, depth);
      if (typeof node !== 'object' || node === null) continue;
      for (const key of ['all', 'any'] as const) {
        const children = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
        if (Array.isArray(children)) for (const child of children) pending.push([child, depth + 1]);
      }
      if (Object.hasOwn(node, 'not')) pending.push([(node as { not: unknown }).not, depth + 1]);
    }
    if (deepest > MAX_CONDITION_DEPTH) return `${where} nests conditions ${deepest} deep; at most ${MAX_CONDITION_DEPTH} levels are allowed`;
  }
  return null;
}

export function parseRuleSet(text: string, source: string): RuleSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError('config_invalid', `The rules file ${source} is not valid JSON: ${(error as Error).message}.`);
  }
  const deep = tooDeep(data);
  if (deep) throw new UserError('config_invalid', `The rules file ${source} is not a valid rule set: ${deep}.`, { actions: ['Flatten the condition: all/any take lists, so nesting is rarely needed.'] });
  const parsed = ruleSetSchema.safeParse(data, { error: plainMessages });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`).join('; ');
    throw new UserError('config_invalid', `The rules file ${source} is not a valid rule set: ${problems}.`, { data: { issues: parsed.error.issues } });
  }
  return parsed.data;
}

export function loadRuleSet(file: string): RuleSet {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError('file_not_found', `The rules file ${file} does not exist.`);
  }
  return parseRuleSet(text, file);
}
