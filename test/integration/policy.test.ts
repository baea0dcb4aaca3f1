// predict under each policy on the sample, end to end through the CLI: the receipt column of the CSV and of the
// nba_predictions table, which layer decided, and the refusals when a policy lacks its model.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import type { Receipt } from '../../src/decisions/policy.js';
import { PREDICTION_COLUMNS } from '../../src/decisions/predict.js';
import { readCsv } from '../../src/files/csv.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { writeSampleModel } from '../helpers/model.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-policy-'));
const home = path.join(dir, 'home');
const modelFile = path.join(dir, 'model.json');

beforeAll(async () => {
  const config = loadConfig({}, { home, db: 'chdb' });
  await ingest(config, { file: path.join(ROOT, 'examples', 'twcs_sample.csv') });
  await ingest(config, { file: path.join(ROOT, 'test', 'fixtures', 'threads.csv') });
  await processConversations(config, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
  writeSampleModel(modelFile);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, string> & { receipt: string };

describe('predict --policy learned --model FILE', () => {
  let rows: Row[];
  let summary: { policy: string; model_id: string | null; by_layer: Record<string, number>; run_id: string; predictions: number };

  beforeAll(async () => {
    const out = path.join(dir, 'learned.csv');
    const result = await runCli(['predict', '--home', home, '--policy', 'learned', '--model', modelFile, '--out', out, '--llm', 'off', '--json']);
    expect(result.code, result.stderr).toBe(0);
    summary = JSON.parse(result.stdout);
    rows = (await readCsv(out)) as Row[];
  });

  it("writes a receipt column after the seed's columns, one JSON receipt per row naming the policy and the model", () => {
    expect(PREDICTION_COLUMNS.at(-1)).toBe('receipt');
    expect(summary).toMatchObject({ policy: 'learned', model_id: 'model-sample-test', predictions: 36 });
    expect(rows).toHaveLength(36);
    for (const row of rows) {
      const receipt = JSON.parse(row.receipt) as Receipt;
      expect(receipt).toMatchObject({ policy: 'learned', model_id: 'model-sample-test' });
      expect(receipt.actions.map((a) => a.action)).toEqual(['twitter_public_reply', 'twitter_dm_reply', 'email_reply', 'scheduling_phone_call']);
    }
    const layers = rows.map((row) => (JSON.parse(row.receipt) as Receipt).layer);
    expect(Object.fromEntries(['outcome', 'propensity', 'rules'].map((layer) => [layer, layers.filter((l) => l === layer).length]))).toEqual(summary.by_layer);
  });

  it("leaves the agents' likely choice where the brand has the evidence and another action is worth more, keeps it elsewhere", () => {
    const awaitingBrand = (brand: string) =>
      rows.filter((row) => row.brand === brand).map((row) => ({ row, receipt: JSON.parse(row.receipt) as Receipt })).filter(({ receipt }) => receipt.guard_rails.every((g) => !g.startsWith('held')));
    const chipotle = awaitingBrand('ChipotleTweets').filter(({ row }) => row.rule_id !== 'contact_policy');
    const switched = chipotle.filter(({ receipt }) => receipt.layer === 'outcome');
    expect(switched.length).toBeGreaterThan(0);
    for (const { row, receipt } of switched) {
      expect(row.rule_id).toBe('model_outcome');
      // The chosen action is worth more than the agents' likely choice, and the receipt shows the numbers.
      const eligible = receipt.actions.filter((a) => a.eligible);
      const likely = eligible.reduce((top, a) => (a.propensity! > top.propensity! ? a : top));
      const chosen = receipt.actions.find((a) => a.action === row.channel)!;
      expect(chosen.action).not.toBe(likely.action);
      expect(chosen.expected_value!).toBeGreaterThan(likely.expected_value! + 0.02);
      expect(receipt.guard_rails.at(-1)).toMatch(new RegExp(`^outcome model: ${row.channel} beats the agents' likely choice \\(${likely.action}\\)`));
      expect(receipt.actions.filter((a) => !a.eligible).every((a) => a.expected_value === null)).toBe(true);
      expect(receipt.top_features.length).toBeGreaterThanOrEqual(3);
      expect(receipt.top_features.length).toBeLessThanOrEqual(5);
      expect(row.reasoning).toMatch(/^The learned policy chose \w+: a higher expected value than what this brand's agents most likely do \(/);
    }
    for (const { row, receipt } of chipotle.filter(({ receipt }) => receipt.layer !== 'outcome')) {
      expect(receipt.layer).toBe('propensity');
      expect(receipt.guard_rails.at(-1)).toMatch(/^outcome model: (no action beats|fewer than 10 resolved)/);
      expect(row.channel).toBe(receipt.actions.filter((a) => a.eligible).reduce((top, a) => (a.propensity! > top.propensity! ? a : top)).action);
    }
    const verizon = awaitingBrand('VerizonSupport').filter(({ row }) => row.rule_id !== 'contact_policy');
    expect(verizon.length).toBeGreaterThan(0);
    for (const { row, receipt } of verizon) {
      expect(receipt).toMatchObject({ layer: 'propensity' });
      expect(receipt.guard_rails).toContain("outcome model: 20 samples for brand VerizonSupport < 30; the agents' choice stands");
      const eligible = receipt.actions.filter((a) => a.eligible);
      expect(row.channel).toBe(eligible.reduce((top, a) => (a.propensity! > top.propensity! ? a : top)).action);
    }
    // A brand the model never saw: the pooled propensity model decides without its brand, and says so.
    const sprint = rows.find((row) => row.customer_id === '115712')!;
    expect(JSON.parse(sprint.receipt)).toMatchObject({ layer: 'propensity', guard_rails: expect.arrayContaining(['brand sprintcare not seen in training: the model reads the other features']) });
    expect(sprint.rule_id).toBe('model_propensity');
  });

  it('keeps the guard-rails: a conversation waiting on the customer is held, and one action per customer', () => {
    const held = rows.filter((row) => row.rule_id === 'wait_for_customer');
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((row) => row.channel === 'no_action' && JSON.parse(row.receipt).guard_rails.includes('held by rule wait_for_customer: nothing is sent'))).toBe(true);
    const contacting = rows.filter((row) => row.channel !== 'no_action');
    expect(new Set(contacting.map((row) => row.customer_id)).size).toBe(contacting.length);
  });

  it('stores the receipt in nba_predictions', async () => {
    const stored = await queryEmbedded<{ receipt: string }>(path.join(home, 'clickhouse'), 'SELECT receipt FROM nba_predictions WHERE run_id = {run:String}', { run: summary.run_id });
    expect(stored).toHaveLength(36);
    expect(stored.map((row) => JSON.parse(row.receipt).model_id)).toEqual(Array(36).fill('model-sample-test'));
  });
});

describe('predict without a model', () => {
  it('decides by the rules, with receipts that say so', async () => {
    const out = path.join(dir, 'rules.csv');
    const result = await runCli(['predict', '--home', home, '--out', out, '--llm', 'off', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ policy: 'rules', model_id: null, by_layer: { outcome: 0, propensity: 0, rules: 36 } });
    const rows = (await readCsv(out)) as Row[];
    expect(rows.every((row) => JSON.parse(row.receipt).policy === 'rules' && JSON.parse(row.receipt).model_id === null)).toBe(true);
  });

  it('refuses --policy learned and a model file that is not a model, saying what to do', async () => {
    const learned = await runCli(['predict', '--home', home, '--policy', 'learned']);
    expect(learned.code).toBe(1);
    expect(learned.stderr).toMatch(/--policy learned needs a model, and the store holds none: run `riverline train`, or pass --model FILE\|ID/);
    const bad = path.join(dir, 'bad-model.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'riverline-model/0' }));
    const refused = await runCli(['predict', '--home', home, '--model', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the model file .*bad-model\.json is not a Riverline model \(riverline-model\/1\): format: /);
  });
});

describe('predict with a model in the store', () => {
  it('uses the latest model by default, and takes a model_id with --model', async () => {
    const trained = await runCli(['train', '--home', home, '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const { model_id } = JSON.parse(trained.stdout) as { model_id: string };
    const byDefault = await runCli(['predict', '--home', home, '--out', path.join(dir, 'default.csv'), '--llm', 'off', '--json']);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(JSON.parse(byDefault.stdout)).toMatchObject({ policy: 'learned', model_id });
    const rows = (await readCsv(path.join(dir, 'default.csv'))) as Row[];
    expect(rows.every((row) => JSON.parse(row.receipt).model_id === model_id)).toBe(true);
    const byId = await runCli(['predict', '--home', home, '--policy', 'imitate', '--model', model_id, '--out', path.join(dir, 'by-id.csv'), '--llm', 'off', '--json']);
    expect(byId.code, byId.stderr).toBe(0);
    expect(JSON.parse(byId.stdout)).toMatchObject({ policy: 'imitate', model_id });
    // --policy rules still runs the rules alone, model or not.
    const rules = await runCli(['predict', '--home', home, '--policy', 'rules', '--out', path.join(dir, 'rules-again.csv'), '--llm', 'off', '--json']);
    expect(JSON.parse(rules.stdout)).toMatchObject({ policy: 'rules', model_id: null, by_layer: { rules: 36 } });
  });
});
