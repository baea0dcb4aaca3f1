// The backtest against a known truth: data drawn from the causal model of `generate --outcomes`, then ingest, process
// and evaluate as a user runs them. The true resolution rate of any policy on the test replies is the mean of
// P(resolved | topic, its channel) from the model's own table, so the off-policy estimates can be checked against it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/files/csv.js';
import { generateTwcs } from '../../src/generate/twcs.js';
import { resolutionProbability, type GeneratedDecision } from '../../src/generate/outcomes.js';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-ground-truth-'));
const home = path.join(dir, 'home');
const truth = new Map<string, GeneratedDecision>();
let report: {
  samples: number;
  split: { mode: string; train_samples: number; test_samples: number };
  policies: Record<string, { agreement: number; macro_f1: number }>;
  off_policy: Record<string, { ips: number; snips: number; dr: number; ci95: Record<'ips' | 'snips' | 'dr', [number, number]>; ess: number }>;
  logged_resolution_rate: number;
};
let rows: Array<Record<string, string | null>>;

/** A policy whose truth is easy to read: a DM for billing issues, a public reply otherwise. */
function knownPolicyRules(): string {
  const rules = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'decisions', 'default-rules.json'), 'utf8'));
  rules.rules = [
    { id: 'billing_dm', description: 'Billing goes to a DM.', priority: 1, when: { field: 'topic', op: '=', value: 'billing' }, channel: 'twitter_dm_reply', timing: 'soon', issue_status: 'pending_customer_response' },
    { id: 'public_otherwise', description: 'Everything else in public.', priority: 2, when: { field: 'message_count', op: '>=', value: 0 }, channel: 'twitter_public_reply', timing: 'soon', issue_status: 'pending_customer_response' },
  ];
  rules.actions = { ...rules.actions, hold_rules: [] };
  const file = path.join(dir, 'known-policy.json');
  fs.writeFileSync(file, JSON.stringify(rules));
  return file;
}

beforeAll(async () => {
  const csv = path.join(dir, 'outcomes.csv');
  generateTwcs({ rows: 6000, out: csv, seed: 12, outcomes: true, onDecision: (decision) => truth.set(decision.reply_id, decision) });
  for (const args of [['ingest', csv, '--db', 'chdb'], ['process']]) {
    const result = await runCli([...args, '--home', home, '--json']);
    expect(result.code, result.stderr).toBe(0);
  }
  const out = path.join(dir, 'samples.csv');
  const result = await runCli(['evaluate', '--home', home, '--json', '--rules', knownPolicyRules(), '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  report = JSON.parse(result.stdout);
  rows = await readCsv(out);
}, 240_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The true resolution rate of a policy on the replayed replies, from the causal model. */
function trueValue(policy: string): number {
  const values = rows.map((row) => resolutionProbability(truth.get(row.external_id!)!.topic, row[`${policy}_channel`]!));
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('the backtest on data with a known causal model', () => {
  it('replays exactly the generated brand replies of the test part, with the action and outcome the model drew', () => {
    expect(report.split.mode).toBe('time');
    expect(rows.length).toBe(report.samples);
    expect(report.samples).toBe(report.split.test_samples);
    expect(report.split.train_samples).toBeGreaterThan(3 * report.samples);
    for (const row of rows) {
      const generated = truth.get(row.external_id!);
      expect(generated, `reply ${row.external_id} is not a generated decision`).toBeDefined();
      expect({ id: row.external_id, action: row.actual_channel, outcome: row.outcome }).toEqual({ id: row.external_id, action: generated!.action, outcome: generated!.outcome });
    }
  });

  it('covers the true resolution rate of a known policy (DM for billing, public otherwise) with each estimator\'s 95% interval', () => {
    const truthValue = trueValue('rules');
    const estimate = report.off_policy.rules;
    for (const name of ['ips', 'snips', 'dr'] as const) {
      const [low, high] = estimate.ci95[name];
      expect({ name, truth: truthValue, low, high, covered: low <= truthValue && truthValue <= high }).toMatchObject({ covered: true });
    }
    expect(estimate.ess).toBeGreaterThan(report.samples / 4);
  });

  it('estimates every policy near its true value (weights that blow up would not)', () => {
    for (const policy of ['rules', 'imitate', 'learned']) {
      const truthValue = trueValue(policy);
      for (const name of ['ips', 'snips', 'dr'] as const) {
        const value = report.off_policy[policy][name];
        expect({ policy, name, truth: truthValue, value, near: Math.abs(value - truthValue) < 0.15 }).toMatchObject({ near: true });
      }
    }
  });

  it('learned finds the better action where the data says so: a DM for billing issues, and it truly beats the agents', () => {
    const picks = rows.filter((row) => truth.get(row.external_id!)!.topic === 'billing').map((row) => row.learned_channel);
    expect(picks.length).toBeGreaterThan(20);
    const dm = picks.filter((channel) => channel === 'twitter_dm_reply').length;
    expect(dm / picks.length, `billing: learned chose ${JSON.stringify(picks)}`).toBeGreaterThan(0.5);
    // Account issues resolve far better in a DM (0.55) or by e-mail (0.45) than in public (0.15).
    const account = rows.filter((row) => truth.get(row.external_id!)!.topic === 'account').map((row) => row.learned_channel);
    const privately = account.filter((channel) => channel === 'twitter_dm_reply' || channel === 'email_reply').length;
    expect(privately / account.length, `account: learned chose ${JSON.stringify(account)}`).toBeGreaterThan(0.5);
    // Its true resolution rate on these replies, from the causal model, beats what the agents achieved.
    expect(trueValue('learned')).toBeGreaterThan(report.logged_resolution_rate);
  });
});
