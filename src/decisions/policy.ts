// One decision under a policy, with its receipt: 'rules' (the rule engine), 'imitate' (what this brand's agents would
// most likely do) or 'learned' (the eligible action of highest expected value). The rules stay as guard-rails, checked
// first; each model layer decides only for a brand with enough evidence in training, else the next layer does.
// Pure functions over one conversation's features: predict, serve and evaluate call the same code.
import { holds, matchRule, type RuleMatch } from './decide.js';
import type { DecisionFeatures } from './fields.js';
import { ACTIONS, WORD_PREFIX, contextFeatures, outcomeFeatures, type Action, type LearnedModel, type ModelContext, type NaiveBayes } from './model.js';
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
  return (brand !== null && Object.hasOwn(model.evidence, brand) ? model.evidence[brand].samples : 0) ?? 0;
}

/**
 * A naive Bayes model's log-probabilities, computed once per model: the log prior per class and each known feature's
 * log-likelihood per class, by the formulas of model.ts posterior(). Scoring a context is then lookups and sums, so
 * batch predict decides hundreds of thousands of conversations without a logarithm per feature per conversation.
 */
interface LogTable {
  classes: string[];
  prior: Float64Array;
  features: Map<string, Float64Array>;
}

const logTables = new WeakMap<NaiveBayes, LogTable>();

function logTable(model: NaiveBayes): LogTable {
  const cached = logTables.get(model);
  if (cached) return cached;
  const { classes, alpha } = model;
  const total = classes.reduce((sum, cls) => sum + (model.priors[cls] ?? 0), 0);
  const prior = Float64Array.from(classes, (cls) => Math.log(((model.priors[cls] ?? 0) + alpha) / (total + alpha * classes.length)));
  const denominators = classes.map((cls) => (model.totals[cls] ?? 0) + alpha * Math.max(model.vocabulary, 1));
  const features = new Map<string, Float64Array>();
  for (const [feature, counts] of Object.entries(model.counts)) {
    features.set(feature, Float64Array.from(classes, (cls, i) => Math.log(((counts[cls] ?? 0) + alpha) / denominators[i])));
  }
  const table = { classes, prior, features };
  logTables.set(model, table);
  return table;
}

/** Adds the log-likelihoods of the known features to `scores` (unknown features carry no evidence, as in posterior()). */
function addEvidence(table: LogTable, features: readonly string[], scores: Float64Array): void {
  for (const feature of features) {
    const log = table.features.get(feature);
    if (log) for (let i = 0; i < scores.length; i += 1) scores[i] += log[i];
  }
}

/** Normalises log scores into probabilities, in place (in the order of the model's classes). */
function normalise(scores: Float64Array): Float64Array {
  let best = -Infinity;
  for (const score of scores) best = Math.max(best, score);
  let sum = 0;
  for (let i = 0; i < scores.length; i += 1) {
    scores[i] = Math.exp(scores[i] - best);
    sum += scores[i];
  }
  for (let i = 0; i < scores.length; i += 1) scores[i] /= sum;
  return scores;
}

/**
 * The features that moved `chosen` over `other` most, in log-odds: model.ts topContributions() over the precomputed
 * table, ranked before rounding (so two contributions equal to 4 decimals keep their true order) for speed.
 */
function topFeatures(table: LogTable, features: readonly string[], chosen: string, other: string): Receipt['top_features'] {
  const a = table.classes.indexOf(chosen);
  const b = table.classes.indexOf(other);
  const found: Array<{ feature: string; raw: number }> = [];
  for (const feature of features) {
    const log = table.features.get(feature);
    if (log) found.push({ feature, raw: (a < 0 ? 0 : log[a]) - (b < 0 ? 0 : log[b]) });
  }
  return found
    .sort((x, y) => Math.abs(y.raw) - Math.abs(x.raw) || x.feature.localeCompare(y.feature))
    .slice(0, TOP_FEATURES)
    .map(({ feature, raw }) => ({ feature, contribution: Number(raw.toFixed(4)) }));
}

interface Scores {
  features: string[];
  /** P(action | context). */
  propensity: Record<string, number>;
  /** P(resolved | context, action) x value - cost, per eligible action. */
  expected: Map<Action, number>;
}

/** P(action | context) for every action, and the expected value of each eligible action. */
function score(model: LearnedModel, settings: ActionSettings, context: ModelContext, eligible: Action[]): Scores {
  const features = contextFeatures(context);
  const propensityTable = logTable(model.propensity);
  const propensityScores = Float64Array.from(propensityTable.prior);
  addEvidence(propensityTable, features, propensityScores);
  const outcomeTable = logTable(model.outcome);
  // The context's evidence is the same for every action: summed once, then each action adds its own features. Words
  // are left out of the outcome: dozens of them, counted as independent, drive P(resolved) to 0 or 1 and let the
  // costs alone decide (on generate --outcomes data, a public reply for account issues a DM truly resolves better).
  const contextScores = Float64Array.from(outcomeTable.prior);
  addEvidence(outcomeTable, outcomeContext(features), contextScores);
  const crossed = features.filter((f) => f.startsWith('brand=') || f.startsWith('topic='));
  const resolved = outcomeTable.classes.indexOf('resolved');
  const expected = new Map<Action, number>();
  for (const action of eligible) {
    const scores = Float64Array.from(contextScores);
    addEvidence(outcomeTable, outcomeFeatures(crossed, action).slice(crossed.length), scores);
    const { value, cost } = settings.worth[action];
    expected.set(action, (resolved < 0 ? 0 : normalise(scores)[resolved]) * value - cost);
  }
  normalise(propensityScores);
  const propensity: Record<string, number> = {};
  propensityTable.classes.forEach((cls, i) => (propensity[cls] = propensityScores[i]));
  return { features, propensity, expected };
}

/** The context features the outcome model reads: all but the words. */
function outcomeContext(features: string[]): string[] {
  return features.filter((feature) => !feature.startsWith(WORD_PREFIX));
}

/** The best action by `key`, ties broken by the order of ACTIONS (public first, phone last). */
function best(actions: Action[], key: (action: Action) => number): Action {
  return actions.reduce((top, action) => (key(action) > key(top) ? action : top));
}

export function decideWithPolicy(input: PolicyInput, rules: RuleSet, model: LearnedModel | null, policy: Policy): PolicyDecision {
  const decision = choose(input, rules, model, policy);
  // The contact policy: only one conversation per customer gets this run's action (as the rules always did).
  if ((input.customer_rank ?? 1) > 1 && decision.channel !== 'no_action') {
    decision.receipt.guard_rails.push(`contact policy: one action per customer per ${rules.contact_window_hours} h; another conversation of this customer gets it`);
    return { ...decision, channel: 'no_action', layer: 'rules', rule_id: 'contact_policy', receipt: { ...decision.receipt, layer: 'rules' } };
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
  const receipt = (layer: Layer, scores: Scores | null, top: Receipt['top_features'] = []): Receipt => ({
    policy,
    model_id: usesModel ? model.model_id : null,
    layer,
    actions: ACTIONS.map((action) => {
      const expected = scores?.expected.get(action);
      return {
        action,
        eligible: eligible.includes(action),
        propensity: scores ? round(scores.propensity[action] ?? 0) : null,
        expected_value: expected === undefined ? null : round(expected),
      };
    }),
    top_features: top,
    guard_rails: guardRails,
  });
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
  if (policy === 'learned' && samples >= settings.min_outcome_samples) {
    const chosen = best(eligible, (action) => scores.expected.get(action)!);
    const other = model.outcome.classes.find((cls) => cls !== 'resolved') ?? 'not_resolved';
    // The full posterior (with each feature's evidence) only for the chosen action, for its receipt.
    const top = topFeatures(logTable(model.outcome), outcomeFeatures(outcomeContext(scores.features), chosen), 'resolved', other);
    return { channel: chosen, layer: 'outcome', rule_id: null, receipt: receipt('outcome', scores, top), match };
  }
  if (policy === 'learned') guardRails.push(`outcome model: ${samples} samples for brand ${brand} < ${settings.min_outcome_samples}`);
  if (samples >= settings.min_propensity_samples) {
    const propensity = (action: Action) => scores.propensity[action] ?? 0;
    const chosen = best(eligible, propensity);
    const rivals = eligible.length > 1 ? eligible.filter((action) => action !== chosen) : ACTIONS.filter((action) => action !== chosen);
    const top = topFeatures(logTable(model.propensity), scores.features, chosen, best(rivals, propensity));
    return { channel: chosen, layer: 'propensity', rule_id: null, receipt: receipt('propensity', scores, top), match };
  }
  guardRails.push(`propensity model: ${samples} samples for brand ${brand} < ${settings.min_propensity_samples}; the rules decide`);
  return byRules(scores);
}
