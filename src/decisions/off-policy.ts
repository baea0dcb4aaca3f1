// Off-policy estimates of a policy's value from logged decisions, as in Open Bandit Pipeline's estimators:
// inverse propensity scoring (IPS), self-normalised IPS (SNIPS) and doubly robust (DR), each with a bootstrap
// 95% interval, and the effective sample size of the importance weights. Pure functions over plain arrays.
import { seededRandom } from '../model/random.js';

export interface LoggedDecision {
  /** Index of the action the agent took. */
  action: number;
  /** Observed reward of that action (1 resolved, 0 not). */
  reward: number;
  /** The logging (behaviour) policy's probability of the action it took, P_b(action | context). */
  propensity: number;
  /** The evaluated policy's probability of each action in this context (one-hot for a deterministic policy). */
  policy: number[];
  /** The outcome model's expected reward of each action in this context (DR only; omit for IPS/SNIPS). */
  expected?: number[];
}

export interface Estimate {
  value: number;
  ci95: [number, number];
}

export interface OffPolicyReport {
  ips: Estimate;
  snips: Estimate;
  dr: Estimate | null;
  /** Effective sample size of the importance weights: (Σw)² / Σw². */
  ess: number;
  samples: number;
}

export interface OffPolicyOptions {
  /** Propensities below this are raised to it, so one rare action cannot dominate (default 0.01). */
  minPropensity?: number;
  /** Bootstrap resamples for the intervals (default 200). */
  resamples?: number;
  /** Seed of the resampling, so a report can be reproduced (default 1). */
  seed?: number;
}

/** The importance weight of each logged decision: π_e(a|x) / P_b(a|x). */
export function importanceWeights(decisions: LoggedDecision[], minPropensity = 0.01): number[] {
  return decisions.map((d) => (d.policy[d.action] ?? 0) / Math.max(d.propensity, minPropensity));
}

export function effectiveSampleSize(weights: number[]): number {
  let sum = 0;
  let squares = 0;
  for (const w of weights) {
    sum += w;
    squares += w * w;
  }
  return squares > 0 ? (sum * sum) / squares : 0;
}

type Estimator = (decisions: LoggedDecision[], weights: number[], indices: ArrayLike<number>) => number;

const ips: Estimator = (decisions, weights, indices) => {
  let total = 0;
  for (let i = 0; i < indices.length; i++) total += weights[indices[i]] * decisions[indices[i]].reward;
  return indices.length > 0 ? total / indices.length : 0;
};

const snips: Estimator = (decisions, weights, indices) => {
  let weighted = 0;
  let sum = 0;
  for (let i = 0; i < indices.length; i++) {
    weighted += weights[indices[i]] * decisions[indices[i]].reward;
    sum += weights[indices[i]];
  }
  return sum > 0 ? weighted / sum : 0;
};

const dr: Estimator = (decisions, weights, indices) => {
  let total = 0;
  for (let i = 0; i < indices.length; i++) {
    const d = decisions[indices[i]];
    const expected = d.expected as number[];
    let direct = 0;
    for (let a = 0; a < d.policy.length; a++) direct += d.policy[a] * (expected[a] ?? 0);
    total += direct + weights[indices[i]] * (d.reward - (expected[d.action] ?? 0));
  }
  return indices.length > 0 ? total / indices.length : 0;
};

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

function withInterval(estimator: Estimator, decisions: LoggedDecision[], weights: number[], resamples: number, random: () => number): Estimate {
  const all = Uint32Array.from(decisions.keys());
  const value = estimator(decisions, weights, all);
  const values: number[] = [];
  const sample = new Uint32Array(decisions.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < sample.length; i++) sample[i] = Math.floor(random() * decisions.length);
    values.push(estimator(decisions, weights, sample));
  }
  values.sort((x, y) => x - y);
  return { value, ci95: [quantile(values, 0.025), quantile(values, 0.975)] };
}

/** IPS, SNIPS and (when every decision has `expected`) DR estimates of the evaluated policy's mean reward. */
export function estimatePolicyValue(decisions: LoggedDecision[], options: OffPolicyOptions = {}): OffPolicyReport {
  const weights = importanceWeights(decisions, options.minPropensity ?? 0.01);
  const resamples = options.resamples ?? 200;
  const seed = options.seed ?? 1;
  const hasModel = decisions.length > 0 && decisions.every((d) => Array.isArray(d.expected));
  return {
    ips: withInterval(ips, decisions, weights, resamples, seededRandom(seed)),
    snips: withInterval(snips, decisions, weights, resamples, seededRandom(seed)),
    dr: hasModel ? withInterval(dr, decisions, weights, resamples, seededRandom(seed)) : null,
    ess: effectiveSampleSize(weights),
    samples: decisions.length,
  };
}
