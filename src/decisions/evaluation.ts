// What the backtest computes and returns: the replayed test replies scored under each policy (agreement, macro-F1,
// per-channel scores, off-policy estimates of the resolution rate). Pure; evaluate reads the samples, evaluate-report
// renders the result as HTML, the command prints it.
import type { DecisionFeatures } from './fields.js';
import { ACTIONS, categoricalReader, estimatorFeatures, outcomeFeatures, type Action, type LearnedModel, type ModelContext } from './model.js';
import { estimatePolicyValue, type LoggedDecision, type OffPolicyReport } from './off-policy.js';
import { POLICIES, decideWithPolicy, type Layer, type Policy } from './policy.js';
import { CHANNELS, type Channel, type RuleSet } from './rules.schema.js';

export interface ChannelScore {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

/** confusion[actual][predicted] = count */
export type Confusion = Record<Channel, Record<Channel, number>>;

export interface PolicyScore {
  agreement: number;
  macro_f1: number;
  /** Replies the policy answered with no_action (a guard-rail held them): never an agreement, since the agent acted. */
  held: number;
  /** Agreement on the replies the policy did act on (the held ones left out), beside `agreement`, which counts them. */
  agreement_when_acting: number | null;
  per_channel: Record<Channel, ChannelScore>;
  confusion: Confusion;
  /** How many decisions each layer made (outcome model, propensity model, rules). */
  layers: Record<'outcome' | 'propensity' | 'rules', number>;
}

export interface OffPolicyScore {
  ips: number;
  snips: number;
  /** Null when there is no outcome model to be doubly robust with. */
  dr: number | null;
  ci95: { ips: [number, number]; snips: [number, number]; dr: [number, number] | null };
  /** Effective sample size of the importance weights. */
  ess: number;
}

export interface EvaluationSplit {
  /** 'time': trained on the earliest part, scored on the rest; 'model': a given model scored on the whole store. */
  mode: 'time' | 'model';
  /** The share of brand replies trained on ('time' only). */
  fraction: number | null;
  train_samples: number;
  test_samples: number;
  /** Training used the replies before this moment; the test part starts at it ('time' only). */
  until: string | null;
  test_from: string | null;
  test_to: string | null;
}

export interface EvaluationResult {
  /** Brand replies replayed and scored (the test part). */
  samples: number;
  split: EvaluationSplit;
  model_id: string;
  baseline: { channel: Channel; agreement: number; macro_f1: number };
  policies: Record<Policy, PolicyScore>;
  /** Estimated resolution rate of each policy had it decided the test part, from the agents' logged decisions. */
  off_policy: Record<Policy, OffPolicyScore>;
  /** The share of test replies that resolved: the rate the agents achieved. */
  logged_resolution_rate: number;
  rules: string;
  out: string | null;
  html: string | null;
  seconds: number;
}

// ---- Scoring the replayed replies (pure: evaluate reads the samples, this decides and scores them) ----

/** One brand reply of the test part: the context just before it, what the agent did, and what followed. */
export interface ReplayedSample {
  external_id: string;
  customer_id: string;
  brand: string | null;
  action: Action;
  outcome: 'resolved' | 'escalated' | 'silent';
  features: DecisionFeatures;
  context: ModelContext;
}

/** One row of `--out`: the reply, what the agent did and what followed, and each policy's choice. */
export interface ReplayedRow {
  external_id: string;
  customer_id: string;
  brand: string | null;
  actual_channel: Action;
  outcome: ReplayedSample['outcome'];
  /** The propensity model's P(actual channel | context): the logging policy's probability of what the agent did. */
  logged_propensity: number;
  policies: Record<Policy, { channel: Channel; layer: Layer; propensity: number | null; p_resolved: number | null }>;
}

export interface ReplayOptions {
  /** Bootstrap resamples and seed for the off-policy intervals. */
  resamples?: number;
  seed?: number;
  /** Called with each replayed row (for `--out`), in the order of the samples. */
  onRow?: (row: ReplayedRow) => void;
}

export type ReplayScores = Pick<EvaluationResult, 'samples' | 'baseline' | 'policies' | 'off_policy' | 'logged_resolution_rate'>;

const round = (value: number, digits = 4) => Number(value.toFixed(digits));

export function emptyConfusion(): Confusion {
  return Object.fromEntries(CHANNELS.map((actual) => [actual, Object.fromEntries(CHANNELS.map((predicted) => [predicted, 0]))])) as Confusion;
}

/**
 * Replays each sample under every policy: the channel each would have chosen, scored against the agent's (agreement,
 * macro-F1, per channel), and the off-policy estimate of its resolution rate (IPS, SNIPS, DR) with the model's
 * propensity of the logged action as the behaviour policy and its P(resolved | context, action) for DR, both read
 * by categoricalReader.
 */
export function replayDecisions(samples: readonly ReplayedSample[], rules: RuleSet, model: LearnedModel, options: ReplayOptions = {}): ReplayScores {
  const confusions = Object.fromEntries(POLICIES.map((policy) => [policy, emptyConfusion()])) as Record<Policy, Confusion>;
  const layers = Object.fromEntries(POLICIES.map((policy) => [policy, { outcome: 0, propensity: 0, rules: 0 }])) as Record<Policy, PolicyScore['layers']>;
  const logged: Record<Policy, LoggedDecision[]> = { rules: [], imitate: [], learned: [] };
  let resolved = 0;
  const propensityOf = categoricalReader(model.propensity);
  const resolvedOf = categoricalReader(model.outcome);
  for (const sample of samples) {
    const features = estimatorFeatures(sample.context);
    const propensity = propensityOf(features);
    const expected = ACTIONS.map((action) => resolvedOf(outcomeFeatures(features, action)).resolved ?? 0);
    const actionIndex = ACTIONS.indexOf(sample.action);
    const reward = sample.outcome === 'resolved' ? 1 : 0;
    resolved += reward;
    const loggedPropensity = propensity[sample.action] ?? 0;
    const choices = {} as ReplayedRow['policies'];
    for (const policy of POLICIES) {
      const decision = decideWithPolicy({ features: sample.features, context: sample.context }, rules, model, policy);
      confusions[policy][sample.action][decision.channel] += 1;
      layers[policy][decision.layer] += 1;
      const chosen = ACTIONS.indexOf(decision.channel as Action);
      // A deterministic policy: all its probability on its channel; no_action takes none of the logged actions.
      logged[policy].push({ action: actionIndex, reward, propensity: loggedPropensity, policy: ACTIONS.map((_, i) => (i === chosen ? 1 : 0)), expected });
      choices[policy] = {
        channel: decision.channel,
        layer: decision.layer,
        propensity: chosen >= 0 ? round(propensity[ACTIONS[chosen]] ?? 0) : null,
        p_resolved: chosen >= 0 ? round(expected[chosen]) : null,
      };
    }
    options.onRow?.({
      external_id: sample.external_id,
      customer_id: sample.customer_id,
      brand: sample.brand,
      actual_channel: sample.action,
      outcome: sample.outcome,
      logged_propensity: round(loggedPropensity),
      policies: choices,
    });
  }
  const scored = Object.fromEntries(POLICIES.map((policy) => [policy, score(confusions[policy])])) as Record<Policy, ReturnType<typeof score>>;
  const first = scored.rules;
  return {
    samples: samples.length,
    baseline: { channel: first.baseline_channel, agreement: first.baseline_agreement, macro_f1: first.baseline_macro_f1 },
    policies: Object.fromEntries(
      POLICIES.map((policy) => [policy, { agreement: scored[policy].agreement, macro_f1: scored[policy].macro_f1, ...heldOf(confusions[policy]), per_channel: scored[policy].per_channel, confusion: confusions[policy], layers: layers[policy] }]),
    ) as Record<Policy, PolicyScore>,
    off_policy: Object.fromEntries(POLICIES.map((policy) => [policy, offPolicyScore(estimatePolicyValue(logged[policy], { resamples: options.resamples, seed: options.seed }))])) as Record<Policy, OffPolicyScore>,
    logged_resolution_rate: round(samples.length > 0 ? resolved / samples.length : 0),
  };
}

/** How many replies a policy held (answered no_action), and its agreement on the rest. */
export function heldOf(confusion: Confusion): Pick<PolicyScore, 'held' | 'agreement_when_acting'> {
  const held = CHANNELS.reduce((sum, actual) => sum + confusion[actual].no_action, 0);
  const total = CHANNELS.reduce((sum, actual) => sum + CHANNELS.reduce((s, predicted) => s + confusion[actual][predicted], 0), 0);
  const correct = CHANNELS.reduce((sum, channel) => sum + (channel === 'no_action' ? 0 : confusion[channel][channel]), 0);
  return { held, agreement_when_acting: total > held ? round(correct / (total - held)) : null };
}

function offPolicyScore(report: OffPolicyReport): OffPolicyScore {
  const interval = (ci: [number, number]): [number, number] => [round(ci[0]), round(ci[1])];
  return {
    ips: round(report.ips.value),
    snips: round(report.snips.value),
    dr: report.dr ? round(report.dr.value) : null,
    ci95: { ips: interval(report.ips.ci95), snips: interval(report.snips.ci95), dr: report.dr ? interval(report.dr.ci95) : null },
    ess: round(report.ess, 1),
  };
}

/** Precision, recall and F1 per channel; macro-F1 over the channels that occur as actual or predicted; the majority baseline. */
export function score(confusion: Confusion): {
  agreement: number;
  macro_f1: number;
  baseline_channel: Channel;
  baseline_agreement: number;
  baseline_macro_f1: number;
  per_channel: Record<Channel, ChannelScore>;
  confusion: Confusion;
} {
  const total = CHANNELS.reduce((sum, actual) => sum + CHANNELS.reduce((s, predicted) => s + confusion[actual][predicted], 0), 0);
  const support = (channel: Channel) => CHANNELS.reduce((s, predicted) => s + confusion[channel][predicted], 0);
  const predictedCount = (channel: Channel) => CHANNELS.reduce((s, actual) => s + confusion[actual][channel], 0);
  const perChannel = {} as Record<Channel, ChannelScore>;
  for (const channel of CHANNELS) {
    const tp = confusion[channel][channel];
    const precision = predictedCount(channel) > 0 ? tp / predictedCount(channel) : 0;
    const recall = support(channel) > 0 ? tp / support(channel) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perChannel[channel] = { precision: round(precision), recall: round(recall), f1: round(f1), support: support(channel), predicted: predictedCount(channel) };
  }
  const present = CHANNELS.filter((channel) => support(channel) > 0 || predictedCount(channel) > 0);
  const macro = present.reduce((sum, channel) => sum + perChannel[channel].f1, 0) / Math.max(present.length, 1);
  const correct = CHANNELS.reduce((sum, channel) => sum + confusion[channel][channel], 0);

  // The majority baseline always answers the most common actual channel.
  const majority = [...CHANNELS].sort((a, b) => support(b) - support(a) || a.localeCompare(b))[0];
  const baselinePresent = CHANNELS.filter((channel) => support(channel) > 0 || channel === majority);
  const baselineF1 = (channel: Channel) => {
    if (channel !== majority) return 0;
    const precision = total > 0 ? support(majority) / total : 0;
    return precision + 1 > 0 ? (2 * precision * 1) / (precision + 1) : 0;
  };
  const baselineMacro = baselinePresent.reduce((sum, channel) => sum + baselineF1(channel), 0) / Math.max(baselinePresent.length, 1);
  return {
    agreement: round(total > 0 ? correct / total : 0),
    macro_f1: round(macro),
    baseline_channel: majority,
    baseline_agreement: round(total > 0 ? support(majority) / total : 0),
    baseline_macro_f1: round(baselineMacro),
    per_channel: perChannel,
    confusion,
  };
}
