import { describe, expect, it } from 'vitest';
import { matchRule } from '../../src/decisions/decide.js';
import type { DecisionFeatures } from '../../src/decisions/fields.js';
import { categoricalReader, categoricalScorer, contextFeatures, outcomeFeatures, type LearnedModel } from '../../src/decisions/model.js';
import { nb } from '../helpers/model.js';
import { decideWithPolicy, modelContext, type PolicyInput } from '../../src/decisions/policy.js';
import { defaultRulesPath } from '../../src/decisions/rules-file.js';
import { actionSettings, loadRuleSet, parseRuleSet, type RuleSet } from '../../src/decisions/rules.schema.js';

const rules = loadRuleSet(defaultRulesPath());

function features(overrides: Partial<DecisionFeatures> = {}): DecisionFeatures {
  return {
    message_count: 2,
    customer_messages: 1,
    brand_messages: 0,
    turns: 1,
    last_speaker: 'customer',
    awaiting_reply_from: 'brand',
    first_response_minutes: null,
    median_response_minutes: null,
    hours_since_last_customer_message: 1,
    customer_sentiment_start: -0.4,
    customer_sentiment_end: -0.4,
    sentiment_trend: 0,
    topic: 'delivery',
    brand_asked_dm: false,
    brand_asked_email: false,
    brand_asked_phone: false,
    is_urgent: false,
    is_escalating: false,
    customer_moved_to_dm: false,
    customer_conversations: 1,
    customer_resolution_rate: 0,
    ...overrides,
  };
}

function input(overrides: Partial<DecisionFeatures> = {}, brand: string | null = 'Acme', words: string[] = ['parcel', 'late'], extra: Partial<PolicyInput> = {}): PolicyInput {
  const f = features(overrides);
  return { features: f, context: modelContext(f, brand, words), ...extra };
}

const PROPENSITY_CLASSES = ['twitter_public_reply', 'twitter_dm_reply', 'email_reply', 'scheduling_phone_call'];

/**
 * Acme's agents mostly reply in public; a reply in DM resolves far more often than a public one; phone resolves best
 * of all but costs most. Acme has 50 replies in training, Smallco 20, Tinyco 5 (the model knows brands in lower case).
 * On delivery issues the model has seen public replies, DMs and calls resolve 12+ times each, e-mails 3 times.
 */
function model(evidence: Record<string, number> = { acme: 50, smallco: 20, tinyco: 5 }, trainingRows = 75): LearnedModel {
  return {
    format: 'riverline-model/1',
    model_id: 'm-test',
    trained_at: '2026-11-26T00:00:00.000Z',
    engine: 'duckdb',
    training_rows: trainingRows,
    time_range: { from: null, to: null },
    metrics: {},
    // columns: public, dm, email, phone
    propensity: nb(PROPENSITY_CLASSES, [50, 15, 5, 5], {
      'brand=acme': [40, 6, 2, 2],
      'brand=smallco': [8, 8, 2, 2],
      'topic=delivery': [30, 5, 1, 1],
      'topic=billing': [5, 8, 4, 1],
      'word=parcel': [20, 2, 1, 1],
      'word=late': [15, 3, 1, 1],
      escalating: [1, 1, 1, 20],
      'messages<8': [2, 2, 1, 15],
      'messages<3': [40, 5, 2, 1],
    }),
    outcome: nb(['resolved', 'not_resolved'], [30, 45], {
      'brand=acme': [20, 30],
      'topic=delivery': [15, 20],
      'action=twitter_public_reply': [8, 40],
      'action=twitter_dm_reply': [14, 3],
      'action=email_reply': [3, 1],
      'action=scheduling_phone_call': [12, 1],
      'action=twitter_public_reply|topic=delivery': [12, 40],
      'action=twitter_dm_reply|topic=delivery': [14, 3],
      'action=email_reply|topic=delivery': [3, 1],
      'action=scheduling_phone_call|topic=delivery': [12, 1],
      'messages<3': [20, 30],
    }),
    evidence: Object.fromEntries(Object.entries(evidence).map(([brand, samples]) => [brand, { samples, resolved: Math.floor(samples / 3) }])),
  };
}

const pResolved = (m: LearnedModel, i: PolicyInput, action: (typeof PROPENSITY_CLASSES)[number]) =>
  categoricalReader(m.outcome)(outcomeFeatures(contextFeatures(i.context), action as never)).resolved;

describe('policy guard-rails', () => {
  it('the rules policy is the rule engine, with no model in its receipt', () => {
    const i = input();
    const decision = decideWithPolicy(i, rules, model(), 'rules');
    const match = matchRule(i.features, rules);
    expect(decision.channel).toBe(match.channel);
    expect(decision.rule_id).toBe(match.rule_id);
    expect(decision.layer).toBe('rules');
    expect(decision.receipt.model_id).toBeNull();
    expect(decision.receipt.actions.every((a) => a.propensity === null && a.expected_value === null)).toBe(true);
  });

  it('without a model, imitate and learned fall back to the rules and say so', () => {
    for (const policy of ['imitate', 'learned'] as const) {
      const decision = decideWithPolicy(input(), rules, null, policy);
      expect(decision).toMatchObject({ channel: 'twitter_public_reply', layer: 'rules', rule_id: 'public_first_reply' });
      expect(decision.receipt.guard_rails).toEqual(['no model: the rules decide']);
    }
  });

  it('praise needs nothing, whatever the model would choose', () => {
    const decision = decideWithPolicy(input({ topic: 'praise', customer_sentiment_end: 0.8 }), rules, model(), 'learned');
    expect(decision).toMatchObject({ channel: 'no_action', layer: 'rules', rule_id: 'thanks_no_action' });
    expect(decision.receipt.guard_rails).toEqual(['held by rule thanks_no_action: nothing is sent']);
  });

  it('an already resolved conversation gets nothing, under every policy', () => {
    for (const policy of ['rules', 'imitate', 'learned'] as const) {
      const decision = decideWithPolicy(input({}, 'Acme', [], { resolved: true }), rules, model(), policy);
      expect(decision).toMatchObject({ channel: 'no_action', rule_id: 'already_resolved' });
      expect(decision.receipt.guard_rails[0]).toMatch(/already resolved/);
    }
  });

  it('the contact policy keeps the action for one conversation per customer and says why for the others', () => {
    const second = decideWithPolicy(input({}, 'Acme', [], { customer_rank: 2 }), rules, model(), 'learned');
    expect(second).toMatchObject({ channel: 'no_action', rule_id: 'contact_policy', layer: 'rules' });
    expect(second.receipt.guard_rails.at(-1)).toMatch(/contact policy: one action per customer per 24 h/);
    // A decision that sends nothing is left as it is.
    const waiting = decideWithPolicy(input({ awaiting_reply_from: 'customer' }, 'Acme', [], { customer_rank: 2 }), rules, model(), 'rules');
    expect(waiting.rule_id).toBe('wait_for_customer');
  });

  it('phone and e-mail are allowed only where the rules file allows them', () => {
    const short = decideWithPolicy(input(), rules, model(), 'learned');
    const eligible = Object.fromEntries(short.receipt.actions.map((a) => [a.action, a.eligible]));
    expect(eligible).toEqual({ twitter_public_reply: true, twitter_dm_reply: true, email_reply: true, scheduling_phone_call: false });
    expect(short.receipt.actions.find((a) => a.action === 'scheduling_phone_call')!.expected_value).toBeNull();
    expect(short.receipt.guard_rails).toContain('not allowed here: scheduling_phone_call');
    const escalating = decideWithPolicy(input({ is_escalating: true, topic: 'billing' }), rules, model(), 'learned');
    expect(escalating.receipt.actions.every((a) => a.eligible)).toBe(true);
  });
});

describe('the learned policy', () => {
  it('leaves the agents\' likely choice for the known action of highest expected value, P(resolved | context, action) x value - cost', () => {
    const m = model();
    const i = input();
    const decision = decideWithPolicy(i, rules, m, 'learned');
    expect(decision).toMatchObject({ channel: 'twitter_dm_reply', layer: 'outcome', rule_id: null });
    expect(decision.receipt.guard_rails.at(-1)).toMatch(/^outcome model: twitter_dm_reply beats the agents' likely choice \(twitter_public_reply\) by 0\.\d+ in expected value$/);
    // E-mail resolves often too, but the model has seen it resolve only 3 times on delivery issues: not enough to choose it.
    const freeEmail: RuleSet = { ...rules, actions: { ...actionSettings(rules), worth: { ...actionSettings(rules).worth, email_reply: { value: 1, cost: 0 } } } };
    const withFreeEmail = decideWithPolicy(i, freeEmail, m, 'learned');
    expect(withFreeEmail.receipt.actions.find((a) => a.action === 'email_reply')!.expected_value).toBeGreaterThan(
      withFreeEmail.receipt.actions.find((a) => a.action === 'twitter_dm_reply')!.expected_value!,
    );
    expect(withFreeEmail.channel).toBe('twitter_dm_reply');
    // Where the gain is below the rules file's margin, the agents' choice stands.
    const demanding: RuleSet = { ...rules, actions: { ...actionSettings(rules), min_outcome_gain: 0.9 } };
    const kept = decideWithPolicy(i, demanding, m, 'learned');
    expect(kept).toMatchObject({ channel: 'twitter_public_reply', layer: 'propensity' });
    expect(kept.receipt.guard_rails.at(-1)).toBe("outcome model: no action beats the agents' likely choice (twitter_public_reply) by 0.9 in expected value");
    const worth = actionSettings(rules).worth;
    for (const action of ['twitter_public_reply', 'twitter_dm_reply'] as const) {
      const row = decision.receipt.actions.find((a) => a.action === action)!;
      expect(row.expected_value).toBeCloseTo(pResolved(m, i, action) * worth[action].value - worth[action].cost, 4);
    }
    // The propensities are the propensity model's and sum to 1 over the actions.
    const total = decision.receipt.actions.reduce((sum, a) => sum + a.propensity!, 0);
    expect(total).toBeCloseTo(1, 3);
  });

  it('the costs in the rules file change the choice: a DM that costs more than it gains loses to public', () => {
    const pricey: RuleSet = { ...rules, actions: { ...actionSettings(rules), worth: { ...actionSettings(rules).worth, twitter_dm_reply: { value: 1, cost: 0.9 } } } };
    expect(decideWithPolicy(input(), pricey, model(), 'learned').channel).toBe('twitter_public_reply');
  });

  it('a phone call, best at resolving, wins only where it is allowed and worth its cost', () => {
    const escalating = input({ is_escalating: true, message_count: 7 });
    const m = model();
    expect(pResolved(m, escalating, 'scheduling_phone_call')).toBeGreaterThan(pResolved(m, escalating, 'twitter_dm_reply'));
    // With the default cost (0.5) the phone call does not pay; free, it does.
    expect(decideWithPolicy(escalating, rules, m, 'learned').channel).toBe('twitter_dm_reply');
    const freePhone: RuleSet = { ...rules, actions: { ...actionSettings(rules), worth: { ...actionSettings(rules).worth, scheduling_phone_call: { value: 1, cost: 0 } } } };
    expect(decideWithPolicy(escalating, freePhone, m, 'learned').channel).toBe('scheduling_phone_call');
  });

  it('falls back to the propensity model for a brand with little evidence, and to the rules when the model has too little', () => {
    const smallco = decideWithPolicy(input({}, 'Smallco'), rules, model(), 'learned');
    expect(smallco).toMatchObject({ layer: 'propensity', channel: 'twitter_public_reply', rule_id: null });
    expect(smallco.receipt.guard_rails).toContain("outcome model: 20 samples for brand Smallco < 30; the agents' choice stands");
    // The propensity model is pooled over the brands: a brand it never saw is decided from the other features.
    const unseen = decideWithPolicy(input({}, 'Newco'), rules, model(), 'learned');
    expect(unseen).toMatchObject({ layer: 'propensity', channel: 'twitter_public_reply' });
    expect(unseen.receipt.guard_rails).toContain('brand Newco not seen in training: the model reads the other features');
    // Brand handles are read in lower case, as customers type them.
    expect(decideWithPolicy(input({}, 'ACME'), rules, model(), 'learned').layer).toBe('outcome');
    const tiny = decideWithPolicy(input({}, 'Acme'), rules, model({ acme: 5 }, 5), 'learned');
    expect(tiny).toMatchObject({ layer: 'rules', channel: 'twitter_public_reply', rule_id: 'public_first_reply' });
    expect(tiny.receipt.guard_rails.at(-1)).toBe('propensity model: 5 training samples < 10; the rules decide');
    // The thresholds are the rules file's.
    const lenient: RuleSet = { ...rules, actions: { ...actionSettings(rules), min_outcome_samples: 5, min_propensity_samples: 1 } };
    expect(decideWithPolicy(input({}, 'Tinyco'), lenient, model(), 'learned').layer).toBe('outcome');
  });
});

describe('the imitate policy', () => {
  it("picks the brand's agents' most likely eligible action, skipping one the guard-rails forbid", () => {
    const escalating = input({ is_escalating: true, message_count: 7 }, 'Acme', ['stuck']);
    // Unrestricted, escalating threads go to the phone most often...
    const open: RuleSet = { ...rules, actions: { ...actionSettings(rules), allowed_when: {} } };
    const phone = decideWithPolicy(escalating, open, model({ acme: 50 }), 'imitate');
    expect(phone.receipt.actions.find((a) => a.action === 'scheduling_phone_call')!.propensity).toBe(Math.max(...phone.receipt.actions.map((a) => a.propensity!)));
    expect(phone).toMatchObject({ channel: 'scheduling_phone_call', layer: 'propensity' });
    // ...but where the phone is not allowed, the next most likely action wins.
    const noPhone: RuleSet = { ...open, actions: { ...open.actions!, allowed_when: { scheduling_phone_call: { field: 'brand_asked_phone', op: '=', value: true } } } };
    const decision = decideWithPolicy(escalating, noPhone, model({ acme: 50 }), 'imitate');
    const allowed = decision.receipt.actions.filter((a) => a.eligible);
    expect(decision.channel).toBe(allowed.reduce((top, a) => (a.propensity! > top.propensity! ? a : top)).action);
    expect(decision.channel).not.toBe('scheduling_phone_call');
  });

  it('never uses the outcome model, even with plenty of evidence', () => {
    const decision = decideWithPolicy(input(), rules, model(), 'imitate');
    expect(decision).toMatchObject({ channel: 'twitter_public_reply', layer: 'propensity' });
  });
});

describe('the receipt', () => {
  it('names the policy, the model, and 3 to 5 features with their contribution, strongest first', () => {
    for (const policy of ['imitate', 'learned'] as const) {
      const decision = decideWithPolicy(input(), rules, model(), policy);
      expect(decision.receipt).toMatchObject({ policy, model_id: 'm-test', layer: decision.layer });
      const top = decision.receipt.top_features;
      expect(top.length).toBeGreaterThanOrEqual(3);
      expect(top.length).toBeLessThanOrEqual(5);
      const magnitudes = top.map((t) => Math.abs(t.contribution));
      expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
      expect(top.every((t) => Number.isFinite(t.contribution) && t.contribution !== 0)).toBe(true);
    }
    // The outcome layer's features include the chosen action's own.
    const learned = decideWithPolicy(input(), rules, model(), 'learned');
    expect(learned.receipt.top_features.map((t) => t.feature)).toContain('action=twitter_dm_reply');
    const dm = learned.receipt.top_features.find((t) => t.feature === 'action=twitter_dm_reply')!;
    expect(dm.contribution).toBeGreaterThan(0);
  });

  it("holds model.ts's numbers: the propensities of categoricalReader() and the contributions of its scorer", () => {
    const m = model();
    const i = input({}, 'Smallco');
    const decision = decideWithPolicy(i, rules, m, 'learned');
    expect(decision.layer).toBe('propensity');
    const propensity = categoricalReader(m.propensity)(contextFeatures(i.context));
    for (const row of decision.receipt.actions) expect(row.propensity).toBeCloseTo(propensity[row.action], 4);
    const runnerUp = decision.receipt.actions.filter((a) => a.eligible && a.action !== decision.channel).sort((a, b) => b.propensity! - a.propensity!)[0].action;
    expect(decision.receipt.top_features).toEqual(categoricalScorer(m.propensity).contributions(contextFeatures(i.context), decision.channel, runnerUp, 5));
    const learned = decideWithPolicy(input(), rules, m, 'learned');
    expect(learned.receipt.top_features).toEqual(categoricalScorer(m.outcome).contributions(outcomeFeatures(contextFeatures(input().context), 'twitter_dm_reply'), 'resolved', 'not_resolved', 5));
  });

  it('is plain JSON that survives a round trip', () => {
    const decision = decideWithPolicy(input(), rules, model(), 'learned');
    expect(JSON.parse(JSON.stringify(decision.receipt))).toEqual(decision.receipt);
  });
});

describe('the actions block of the rules file', () => {
  const withActions = (actions: unknown) => JSON.stringify({ ...rules, actions });

  it('the default rules spell out values, costs, what is allowed and the evidence thresholds', () => {
    expect(rules.actions?.worth.scheduling_phone_call.cost).toBeGreaterThan(rules.actions!.worth.twitter_dm_reply.cost);
    expect(rules.actions?.hold_rules).toEqual(['thanks_no_action', 'wait_for_customer']);
    expect(rules.actions).toMatchObject({ min_outcome_samples: 30, min_propensity_samples: 10, min_action_resolved: 10, min_outcome_gain: 0.02 });
  });

  it('a rules file without the block gets the defaults, holding on its no_action rules', () => {
    const { actions: _actions, ...bare } = rules;
    const settings = actionSettings(parseRuleSet(JSON.stringify(bare), 'rules.json'));
    expect(settings.hold_rules).toEqual(['thanks_no_action', 'wait_for_customer']);
    expect(settings.worth).toEqual(rules.actions!.worth);
  });

  it('a copy of the default file with other rules stays valid: a hold rule no rule has holds nothing', () => {
    const rule = { id: 'always_dm', description: 'DM everyone', priority: 1, when: { field: 'message_count', op: '>=', value: 0 }, channel: 'twitter_dm_reply', timing: 'soon', issue_status: 'pending_customer_response' };
    const copy = parseRuleSet(JSON.stringify({ ...rules, rules: [rule] }), 'rules.json');
    const decision = decideWithPolicy(input({ topic: 'praise', customer_sentiment_end: 0.8 }), copy, null, 'learned');
    expect(decision).toMatchObject({ channel: 'twitter_dm_reply', rule_id: 'always_dm' });
  });

  it('bounds the nesting of an allowed_when condition as it does a rule\'s', () => {
    let deep: unknown = { field: 'is_urgent', op: '=', value: true };
    for (let i = 0; i < 40; i += 1) deep = { not: deep };
    expect(() => parseRuleSet(withActions({ ...rules.actions, allowed_when: { email_reply: deep } }), 'rules.json')).toThrow(/actions.allowed_when.email_reply nests conditions 41 deep/);
  });

  it('refuses a hold rule that is no rule id, a negative cost, an unknown action and a bad condition', () => {
    expect(() => parseRuleSet(withActions({ ...rules.actions, hold_rules: ['Nope!'] }), 'rules.json')).toThrow(/actions.hold_rules\[0\]: must be a rule id/);
    const negative = { ...rules.actions, worth: { ...rules.actions!.worth, email_reply: { value: 1, cost: -1 } } };
    expect(() => parseRuleSet(withActions(negative), 'rules.json')).toThrow(/actions.worth.email_reply.cost/);
    const unknown = { ...rules.actions, worth: { ...rules.actions!.worth, fax: { value: 1, cost: 0 } } };
    expect(() => parseRuleSet(withActions(unknown), 'rules.json')).toThrow(/unknown key "fax"/);
    const badCondition = { ...rules.actions, allowed_when: { email_reply: { field: 'shoe_size', op: '=', value: 1 } } };
    expect(() => parseRuleSet(withActions(badCondition), 'rules.json')).toThrow(/unknown field "shoe_size"/);
    const inverted = { ...rules.actions, min_outcome_samples: 5, min_propensity_samples: 10 };
    expect(() => parseRuleSet(withActions(inverted), 'rules.json')).toThrow(/min_propensity_samples: must be at most min_outcome_samples/);
  });
});
