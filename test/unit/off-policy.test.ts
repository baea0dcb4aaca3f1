import { describe, expect, it } from 'vitest';
import { effectiveSampleSize, estimatePolicyValue, type LoggedDecision } from '../../src/decisions/off-policy.js';
import { seededRandom } from '../../src/model/random.js';

// A two-context, two-action bandit with known reward rates: the best action differs by context.
const RATES = [
  [0.2, 0.6],
  [0.7, 0.3],
];
const BEST = [1, 0];
const TRUE_VALUE_OF_BEST = 0.5 * 0.6 + 0.5 * 0.7;

function logged(n: number, logging: (x: number) => number[], policy: (x: number) => number[], withModel: boolean, seed = 7): LoggedDecision[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const x = random() < 0.5 ? 0 : 1;
    const probabilities = logging(x);
    const action = random() < probabilities[0] ? 0 : 1;
    const reward = random() < RATES[x][action] ? 1 : 0;
    return { action, reward, propensity: probabilities[action], policy: policy(x), ...(withModel ? { expected: RATES[x] } : {}) };
  });
}

const oneHot = (action: number) => (action === 0 ? [1, 0] : [0, 1]);

describe('off-policy estimates', () => {
  it('cover the true value of a better policy than the one that logged the data', () => {
    // Agents mostly take action 1, whatever the context.
    const decisions = logged(6000, () => [0.3, 0.7], (x) => oneHot(BEST[x]), true);
    const report = estimatePolicyValue(decisions, { resamples: 300, seed: 3 });
    for (const estimate of [report.ips, report.snips, report.dr!]) {
      expect(estimate.ci95[0]).toBeLessThanOrEqual(TRUE_VALUE_OF_BEST);
      expect(estimate.ci95[1]).toBeGreaterThanOrEqual(TRUE_VALUE_OF_BEST);
      expect(Math.abs(estimate.value - TRUE_VALUE_OF_BEST)).toBeLessThan(0.04);
    }
    // The logged rate is what the agents got: clearly lower than the better policy's value.
    const loggedRate = decisions.reduce((sum, d) => sum + d.reward, 0) / decisions.length;
    expect(loggedRate).toBeLessThan(TRUE_VALUE_OF_BEST - 0.05);
    // A right outcome model makes DR tighter than IPS.
    expect(report.dr!.ci95[1] - report.dr!.ci95[0]).toBeLessThan(report.ips.ci95[1] - report.ips.ci95[0]);
    expect(report.ess).toBeGreaterThan(0);
    expect(report.ess).toBeLessThan(decisions.length);
  });

  it('on the logging policy itself, IPS is the logged mean and the effective sample size is every decision', () => {
    const decisions = logged(2000, () => [0.5, 0.5], () => [0.5, 0.5], false);
    const report = estimatePolicyValue(decisions);
    const mean = decisions.reduce((sum, d) => sum + d.reward, 0) / decisions.length;
    expect(report.ips.value).toBeCloseTo(mean, 10);
    expect(report.snips.value).toBeCloseTo(mean, 10);
    expect(report.ess).toBeCloseTo(2000, 6);
    expect(report.dr).toBeNull();
  });

  it('computes the effective sample size of uneven weights, and reproduces intervals for a seed', () => {
    expect(effectiveSampleSize([1, 1, 2])).toBeCloseTo(16 / 6, 10);
    expect(effectiveSampleSize([])).toBe(0);
    const decisions = logged(500, () => [0.3, 0.7], (x) => oneHot(BEST[x]), true);
    expect(estimatePolicyValue(decisions, { seed: 9 })).toEqual(estimatePolicyValue(decisions, { seed: 9 }));
    expect(estimatePolicyValue(decisions, { seed: 9 }).ips.ci95).not.toEqual(estimatePolicyValue(decisions, { seed: 10 }).ips.ci95);
  });

  it('floors tiny propensities so one rare action cannot dominate', () => {
    const decisions: LoggedDecision[] = [
      { action: 0, reward: 1, propensity: 0.0001, policy: [1, 0] },
      { action: 1, reward: 0, propensity: 0.9, policy: [1, 0] },
    ];
    expect(estimatePolicyValue(decisions, { minPropensity: 0.01 }).ips.value).toBeCloseTo(50, 10);
    expect(estimatePolicyValue(decisions, { minPropensity: 0.1 }).ips.value).toBeCloseTo(5, 10);
  });
});
