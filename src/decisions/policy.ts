// One decision under a policy, with its receipt: 'rules' (the rule engine), 'imitate' (what this brand's agents would
// most likely do) or 'learned' (the eligible action of highest expected value). The rules stay as guard-rails, checked
// first; each model layer decides only for a brand with enough evidence in training, else the next layer does.
// Pure functions over one conversation's features: predict, serve and evaluate call the same code.
import { holds, matchRule, type RuleMatch } from './decide.js';
import type { DecisionFeatures } from './fields.js';
import { ACTIONS, WORD_PREFIX, brandKey, categoricalScorer, contextFeatures, outcomeFeatures, type Action, type LearnedModel, type ModelContext } from './model.js';
import { actionSettings, orderedRules, type ActionSettings, type Channel, type Rule, type RuleSet } from './rules.schema.js';

export const POLICIES = ['rules', 'imitate', 'learned'] as const;
export type Policy = (typeof POLICIES)[number];

/** Which layer chose the channel: the outcome model (expected value), the propensity model, or the rules. */
export type Layer = 'outcome' | 'propensity' | 'rules';

export interface Receipt {
  policy: Policy;
  model_id: string | null;
  layer: Layer;
  /** Every action: whether the guard-rails allow it, P(action | context) and its expected value (null without a model, or when not allowed). */
  actions: Array<{ action: Action; eligible: boolean; propensity: number | null; expected_value: number | null }>;
  /** The features that moved the choice most, in log-odds (outcome layer: towards resolved; propensity layer: towards the chosen action over the runner-up). */
  top_features: Array<{ feature: string; contribution: number }>;
  /** The guard-rails and fallbacks that applied, in the order they were checked. */
  guard_rails: string[];
}

export interface PolicyDecision {
  channel: Channel;
  layer: Layer;
  /** The rule that decided or held the conversation; null when a model chose. */
  rule_id: string | null;
  receipt: Receipt;
  /** The rule engine's first match (timing and issue status come from it). */
  match: RuleMatch;
}

export interface PolicyInput {
  features: DecisionFeatures;
  context: ModelContext;
  /** The conversation is already resolved: nothing is sent. */
  resolved?: boolean;
  /** 1 for the customer's conversation that keeps this run's action (contact policy); more for the others. */
  customer_rank?: number;
}

const orderedCache = new WeakMap<RuleSet, Rule[]>();

/** The rules in the order they are tried, sorted once per rule set rather than once per decision. */
function ordered(rules: RuleSet): Rule[] {
  let list = orderedCache.get(rules);
  if (!list) orderedCache.set(rules, (list = orderedRules(rules)));
  return list;
}

/** How many features a receipt names. */
const TOP_FEATURES = 5;

const round = (value: number) => Number(value.toFixed(4));

/** The model's context of a conversation: its decision features plus the brand and the customer's recent words. */
export function modelContext(features: DecisionFeatures, brand: string | null, recentWords: string[] | null): ModelContext {
  return {
    brand,
    topic: features.topic,
    message_count: features.message_count,
    brand_messages: features.brand_messages,
    hours_since_last_customer_message: features.hours_since_last_customer_message,
    brand_asked_dm: features.brand_asked_dm,
    brand_asked_email: features.brand_asked_email,
    brand_asked_phone: features.brand_asked_phone,
    customer_moved_to_dm: features.customer_moved_to_dm,
    is_urgent: features.is_urgent,
    is_escalating: features.is_escalating,
    recent_words: recentWords,
  };
}

/** The brand's evidence in training: brand replies seen (0 for a brand the model never saw). */
export function brandSamples(model: LearnedModel, brand: string | null): number {
  const key = brandKey(brand);
  return Object.hasOwn(model.evidence, key) ? model.evidence[key].samples : 0;
}

/**
 * The outcome model's evidence for `action` in this context: the replies in training on the same topic that took it and
 * resolved (its action x topic count, over every brand). A difference in P(resolved) rests on resolutions, which are
 * rare (about 1 reply in 6 on the real slice).
 */
function actionSupport(model: LearnedModel, topic: string | null, action: Action): number {
  let byTopic = supports.get(model);
  if (!byTopic) supports.set(model, (byTopic = new Map()));
  let byAction = byTopic.get(topic ?? '');
  if (!byAction) {
    byAction = new Map(ACTIONS.map((a) => [a, model.outcome.counts[`action=${a}|topic=${topic ?? ''}`]?.resolved ?? 0]));
    byTopic.set(topic ?? '', byAction);
  }
  return byAction.get(action) ?? 0;
}

/** actionSupport's counts per model and topic, looked up once. */
const supports = new WeakMap<LearnedModel, Map<string, Map<Action, number>>>();

/** The words a model reads (its propensity table's kept words), per model. */
const modelWords = new WeakMap<LearnedModel, ReadonlySet<string>>();

function wordsOf(model: LearnedModel): ReadonlySet<string> {
  let words = modelWords.get(model);
  if (!words) {
    const known = new Set<string>();
    for (const table of [model.propensity, model.outcome]) {
      for (const feature of Object.keys(table.counts)) if (feature.startsWith(WORD_PREFIX)) known.add(feature.slice(WORD_PREFIX.length));
    }
    modelWords.set(model, (words = known));
  }
  return words;
}

interface Scores {
  features: string[];
  /** P(action | context). */
  propensity: Record<string, number>;
  /** P(resolved | context, action) x value - cost, per eligible action. */
  expected: Map<Action, number>;
  /** P(resolved | context, action), per eligible action. */
  resolved: Map<Action, number>;
}

/** P(action | context) for every action, and the expected value of each eligible action, read by model.ts's one reader. */
function score(model: LearnedModel, settings: ActionSettings, context: ModelContext, eligible: Action[]): Scores {
  // Only the words the model has: the others carry no evidence and would only be written and looked up.
  const features = contextFeatures(context, wordsOf(model));
  const propensityScorer = categoricalScorer(model.propensity);
  const propensityProbabilities = propensityScorer.probabilities(propensityScorer.scores(features));
  const outcomeScorer = categoricalScorer(model.outcome);
  // The context's terms are the same for every action: summed once, then each action adds its own features.
  const contextScores = outcomeScorer.scores(features);
  const crossed = features.filter((f) => f.startsWith('brand=') || f.startsWith('topic='));
  const resolvedIndex = outcomeScorer.classes.indexOf('resolved');
  const expected = new Map<Action, number>();
  const resolved = new Map<Action, number>();
  const actionTerms = actionTermsOf(model, crossed);
  for (const action of eligible) {
    // The action's own features' terms, added one by one in outcomeFeatures' order (the sums add() would give).
    const scores = Float64Array.from(contextScores);
    for (const term of actionTerms.get(action)!) for (let k = 0; k < scores.length; k += 1) scores[k] += term[k];
    const p = resolvedIndex < 0 ? 0 : outcomeScorer.probabilities(scores)[resolvedIndex];
    const { value, cost } = settings.worth[action];
    resolved.set(action, p);
    expected.set(action, p * value - cost);
  }
  const propensity: Record<string, number> = {};
  propensityScorer.classes.forEach((cls, i) => (propensity[cls] = propensityProbabilities[i]));
  return { features, propensity, expected, resolved };
}

/** Per model, per brand and topic: each action's outcome terms (its features beyond the context's), looked up once. */
const actionTermCache = new WeakMap<LearnedModel, Map<string, Map<Action, Float64Array[]>>>();

/**
 * The outcome model's terms of each action's own features (`action=…` and the action crossed with the brand and the
 * topic) for a context whose brand and topic features are `crossed`: the same for every conversation of a brand and
 * topic, so batch predict builds and looks up their names once per pair rather than once per conversation and action.
 */
function actionTermsOf(model: LearnedModel, crossed: string[]): Map<Action, Float64Array[]> {
  let byContext = actionTermCache.get(model);
  if (!byContext) actionTermCache.set(model, (byContext = new Map()));
  const key = crossed.join('\u0000');
  let terms = byContext.get(key);
  if (!terms) {
    const scorer = categoricalScorer(model.outcome);
    terms = new Map(ACTIONS.map((action) => [action, scorer.termsOf(outcomeFeatures(crossed, action).slice(crossed.length))]));
    byContext.set(key, terms);
  }
  return terms;
}

/** The best action by `key`, ties broken by the order of ACTIONS (public first, phone last). */
function best(actions: Action[], key: (action: Action) => number): Action {
  return actions.reduce((top, action) => (key(action) > key(top) ? action : top));
}

/** A receipt, built in one place: `scores` null for a decision without a model's numbers. */
export function receiptOf(parts: {
  policy: Policy;
  modelId: string | null;
  layer: Layer;
  eligible: readonly Action[];
  scores: Pick<Scores, 'propensity' | 'expected'> | null;
  top: Receipt['top_features'];
  guardRails: string[];
}): Receipt {
  const { scores } = parts;
  return {
    policy: parts.policy,
    model_id: parts.modelId,
    layer: parts.layer,
    actions: ACTIONS.map((action) => {
      const expected = scores?.expected.get(action);
      return {
        action,
        eligible: parts.eligible.includes(action),
        propensity: scores ? round(scores.propensity[action] ?? 0) : null,
        expected_value: expected === undefined ? null : round(expected),
      };
    }),
    top_features: parts.top,
    guard_rails: parts.guardRails,
  };
}

/** The rule id of a decision the contact policy held. */
export const CONTACT_POLICY_RULE = 'contact_policy';

/** The guard-rail a receipt names when the contact policy holds a conversation. */
export const contactPolicyGuard = (rules: RuleSet): string =>
  `contact policy: one action per customer per ${rules.contact_window_hours} h; another conversation of this customer gets it`;

export function decideWithPolicy(input: PolicyInput, rules: RuleSet, model: LearnedModel | null, policy: Policy): PolicyDecision {
  const decision = choose(input, rules, model, policy);
  // The contact policy: only one conversation per customer gets this run's action (as the rules always did).
  if ((input.customer_rank ?? 1) > 1 && decision.channel !== 'no_action') {
    decision.receipt.guard_rails.push(contactPolicyGuard(rules));
    return { ...decision, channel: 'no_action', layer: 'rules', rule_id: CONTACT_POLICY_RULE, receipt: { ...decision.receipt, layer: 'rules' } };
  }
  return decision;
}

function choose(input: PolicyInput, rules: RuleSet, model: LearnedModel | null, policy: Policy): PolicyDecision {
  const settings = actionSettings(rules);
  const match = matchRule(input.features, ordered(rules));
  const usesModel = policy !== 'rules' && model !== null;
  const guardRails: string[] = [];
  const eligible = ACTIONS.filter((action) => {
    const condition = settings.allowed_when[action];
    return condition === undefined || holds(condition, input.features);
  });
  const notAllowed = ACTIONS.filter((action) => !eligible.includes(action));
  const receipt = (layer: Layer, scores: Scores | null, top: Receipt['top_features'] = []): Receipt =>
    receiptOf({ policy, modelId: usesModel ? model.model_id : null, layer, eligible, scores, top, guardRails });
  const byRules = (scores: Scores | null = null): PolicyDecision => ({ channel: match.channel, layer: 'rules', rule_id: match.rule_id, receipt: receipt('rules', scores), match });
  const held = (ruleId: string, guard: string): PolicyDecision => {
    guardRails.push(guard);
    return { channel: 'no_action', layer: 'rules', rule_id: ruleId, receipt: receipt('rules', null), match };
  };

  // Eligibility, in order: already resolved, then the rules that hold a conversation (praise needs nothing, ...).
  if (input.resolved) return held('already_resolved', 'already resolved: nothing is sent');
  if (policy === 'rules') return byRules();
  if (settings.hold_rules.includes(match.rule_id)) return held(match.rule_id, `held by rule ${match.rule_id}: nothing is sent`);
  if (model === null) {
    guardRails.push('no model: the rules decide');
    return byRules();
  }
  // Then the actions this conversation may take.
  if (notAllowed.length > 0) guardRails.push(`not allowed here: ${notAllowed.join(', ')}`);
  if (eligible.length === 0) return held('no_action_allowed', 'no action is allowed for this conversation');

  const scores = score(model, settings, input.context, eligible);
  const samples = brandSamples(model, input.context.brand);
  const brand = input.context.brand ?? '(none)';
  // The propensity model is pooled over the brands (the brand is one of its features): its evidence is all of training.
  if (model.training_rows < settings.min_propensity_samples) {
    guardRails.push(`propensity model: ${model.training_rows} training samples < ${settings.min_propensity_samples}; the rules decide`);
    return byRules(scores);
  }
  if (samples === 0) guardRails.push(`brand ${brand} not seen in training: the model reads the other features`);
  const propensity = (action: Action) => scores.propensity[action] ?? 0;
  const imitated = best(eligible, propensity);
  const imitation = (): PolicyDecision => {
    const rivals = eligible.length > 1 ? eligible.filter((action) => action !== imitated) : ACTIONS.filter((action) => action !== imitated);
    const top = categoricalScorer(model.propensity).contributions(scores.features, imitated, best(rivals, propensity), TOP_FEATURES);
    return { channel: imitated, layer: 'propensity', rule_id: null, receipt: receipt('propensity', scores, top), match };
  };
  if (policy === 'imitate') return imitation();
  if (samples < settings.min_outcome_samples) {
    guardRails.push(`outcome model: ${samples} samples for brand ${brand} < ${settings.min_outcome_samples}; the agents' choice stands`);
    return imitation();
  }
  // Safe improvement over the agents (as SPIBB does): leave their likely choice only when the outcome model has seen both
  // it and the other action resolve often enough at this brand, and the other's expected value is higher by a margin.
  const value = (action: Action) => scores.expected.get(action)!;
  const known = (action: Action) => actionSupport(model, input.context.topic, action) >= settings.min_action_resolved;
  const better = known(imitated) ? best(eligible.filter(known), value) : imitated;
  if (better === imitated || value(better) - value(imitated) < settings.min_outcome_gain) {
    guardRails.push(
      known(imitated)
        ? `outcome model: no action beats the agents' likely choice (${imitated}) by ${settings.min_outcome_gain} in expected value`
        : `outcome model: fewer than ${settings.min_action_resolved} resolved ${imitated} replies on topic ${input.context.topic ?? '(none)'} to compare with; the agents' choice stands`,
    );
    return imitation();
  }
  const other = model.outcome.classes.find((cls) => cls !== 'resolved') ?? 'not_resolved';
  const top = categoricalScorer(model.outcome).contributions(outcomeFeatures(scores.features, better), 'resolved', other, TOP_FEATURES);
  guardRails.push(`outcome model: ${better} beats the agents' likely choice (${imitated}) by ${round(value(better) - value(imitated))} in expected value`);
  return { channel: better, layer: 'outcome', rule_id: null, receipt: receipt('outcome', scores, top), match };
}
