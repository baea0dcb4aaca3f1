// Rules are data: a rule set file (JSON) validated on load. The first matching rule by priority wins.
import fs from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { DECISION_FIELDS, type DecisionField } from './fields.js';

export const CHANNELS = ['twitter_dm_reply', 'twitter_public_reply', 'email_reply', 'scheduling_phone_call', 'no_action'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ISSUE_STATUSES = ['resolved', 'pending_customer_response', 'awaiting_agent', 'escalated'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** When to send: urgent within 15 minutes, soon within the hour, or at the customer's next active hour. */
export const TIMINGS = ['urgent', 'soon', 'active_hours', 'none'] as const;
export type Timing = (typeof TIMINGS)[number];

const fieldName = z.string().refine((name): name is DecisionField => name in DECISION_FIELDS, {
  message: `must be one of: ${Object.keys(DECISION_FIELDS).join(', ')}`,
});

const comparison = z
  .object({
    field: fieldName,
    op: z.enum(['=', '!=', '>', '>=', '<', '<=', 'in']),
    value: z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string()])).min(1)]),
  })
  .strict()
  .superRefine((test, ctx) => {
    const type = DECISION_FIELDS[test.field as DecisionField];
    const values = Array.isArray(test.value) ? test.value : [test.value];
    if ((test.op === 'in') !== Array.isArray(test.value)) ctx.addIssue({ code: 'custom', message: `"in" takes a list and only "in" does (${test.field})` });
    const expected = type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'string';
    if (values.some((value) => typeof value !== expected)) ctx.addIssue({ code: 'custom', message: `${test.field} is a ${type} field` });
    if (type !== 'number' && ['>', '>=', '<', '<='].includes(test.op)) ctx.addIssue({ code: 'custom', message: `${test.op} needs a number field, not ${test.field}` });
  });

export type Comparison = z.infer<typeof comparison>;
export type Condition = Comparison | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([comparison, z.object({ all: z.array(condition).min(1) }).strict(), z.object({ any: z.array(condition).min(1) }).strict(), z.object({ not: condition }).strict()]),
);

const rule = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case'),
    description: z.string().min(1),
    priority: z.number().int(),
    when: condition,
    channel: z.enum(CHANNELS),
    timing: z.enum(TIMINGS),
    issue_status: z.enum(ISSUE_STATUSES),
  })
  .strict();

export type Rule = z.infer<typeof rule>;

export const ruleSetSchema = z
  .object({
    version: z.literal(1),
    /** Quiet hours in UTC, [start, end): nothing but urgent actions is sent then. */
    quiet_hours: z.object({ start: z.number().int().min(0).max(23), end: z.number().int().min(0).max(23) }).strict(),
    /** At most one action per customer per this many hours. */
    contact_window_hours: z.number().positive(),
    rules: z.array(rule).min(1),
  })
  .strict()
  .superRefine((set, ctx) => {
    const ids = set.rules.map((r) => r.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) ctx.addIssue({ code: 'custom', message: `rule id ${duplicate} appears twice` });
  });

export type RuleSet = z.infer<typeof ruleSetSchema>;

/** The rules sorted by priority (then id, so ties are stable). */
export function orderedRules(set: RuleSet): Rule[] {
  return [...set.rules].sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
}

export function parseRuleSet(text: string, source: string): RuleSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError('config_invalid', `The rules file ${source} is not valid JSON: ${(error as Error).message}.`);
  }
  const parsed = ruleSetSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'rules'}: ${issue.message}`).join('; ');
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
