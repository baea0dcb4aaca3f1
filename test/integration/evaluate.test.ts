import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { readCsv } from '../../src/files/csv.js';
import { generateTwcs } from '../../src/generate/twcs.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-evaluate-'));
const home = path.join(dir, 'home');
const otherHome = path.join(dir, 'other');
beforeAll(async () => {
  await ingest(loadConfig({}, { home, db: 'chdb' }), { file: path.join(ROOT, 'examples', 'twcs_sample.csv') });
  const generated = path.join(dir, 'generated.csv');
  generateTwcs({ rows: 1500, out: generated, seed: 3, outcomes: true });
  await ingest(loadConfig({}, { home: otherHome, db: 'chdb' }), { file: generated });
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const POLICIES = ['rules', 'imitate', 'learned'];
const total = (confusion: Record<string, Record<string, number>>) => Object.values(confusion).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0);

describe('riverline evaluate: an honest backtest', () => {
  it('trains on the earliest 80% of brand replies and scores rules, imitate and learned on the latest 20% only', async () => {
    const html = path.join(dir, 'report.html');
    const out = path.join(dir, 'samples.csv');
    const result = await runCli(['evaluate', '--home', home, '--json', '--html', html, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['samples', 'split', 'model_id', 'baseline', 'policies', 'off_policy', 'logged_resolution_rate']));
    const { split } = report;
    expect(split.mode).toBe('time');
    expect(split.fraction).toBe(0.8);
    expect(report.samples).toBe(split.test_samples);
    const all = split.train_samples + split.test_samples;
    expect(all).toBeGreaterThan(40);
    // The latest fifth (more only when replies share the boundary's second).
    expect(split.test_samples).toBeGreaterThanOrEqual(Math.ceil(all * 0.2) - 1);
    expect(split.test_samples).toBeLessThan(all * 0.3);
    expect(new Date(split.test_from).getTime()).toBeGreaterThanOrEqual(new Date(split.until).getTime());
    expect(report.baseline).toMatchObject({ channel: 'twitter_public_reply' });
    for (const policy of POLICIES) {
      const scored = report.policies[policy];
      expect(Object.keys(scored)).toEqual(expect.arrayContaining(['agreement', 'macro_f1', 'per_channel', 'confusion']));
      expect(total(scored.confusion)).toBe(report.samples);
      const estimate = report.off_policy[policy];
      for (const name of ['ips', 'snips', 'dr']) {
        const [low, high] = estimate.ci95[name];
        expect(low).toBeLessThanOrEqual(high);
        expect(typeof estimate[name]).toBe('number');
      }
      expect(estimate.ess).toBeGreaterThan(0);
    }
    expect(report.logged_resolution_rate).toBeGreaterThanOrEqual(0);
    expect(report.logged_resolution_rate).toBeLessThanOrEqual(1);

    const rows = await readCsv(out);
    expect(rows.length).toBe(report.samples);
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['external_id', 'customer_id', 'brand', 'actual_channel', 'outcome', 'logged_propensity', ...POLICIES.flatMap((p) => [`${p}_channel`, `${p}_propensity`])]));
    const agreeing = rows.filter((row) => row.learned_channel === row.actual_channel).length;
    expect(agreeing / rows.length).toBeCloseTo(report.policies.learned.agreement, 3);

    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('Off-policy estimates');
    for (const policy of POLICIES) expect(page).toContain(`<h3>${policy}</h3>`);
  });

  it('moves the split with --split, and refuses a share outside (0, 1)', async () => {
    const report = JSON.parse((await runCli(['evaluate', '--home', home, '--json', '--split', '0.5'])).stdout);
    const all = report.split.train_samples + report.split.test_samples;
    expect(report.split.fraction).toBe(0.5);
    expect(Math.abs(report.split.test_samples - all / 2)).toBeLessThanOrEqual(3);
    const bad = await runCli(['evaluate', '--home', home, '--json', '--split', '1.5']);
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toContain('--split');
  });

  it('scores another rule set given with --rules under the rules policy', async () => {
    const rules = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'decisions', 'default-rules.json'), 'utf8'));
    rules.rules = [{ id: 'always_dm', description: 'DM everyone', priority: 1, when: { field: 'message_count', op: '>=', value: 0 }, channel: 'twitter_dm_reply', timing: 'soon', issue_status: 'pending_customer_response' }];
    rules.actions = { ...rules.actions, hold_rules: [] };
    const file = path.join(dir, 'dm.json');
    fs.writeFileSync(file, JSON.stringify(rules));
    const report = JSON.parse((await runCli(['evaluate', '--home', home, '--json', '--rules', file])).stdout);
    expect(report.policies.rules.per_channel.twitter_dm_reply.predicted).toBe(report.samples);
    expect(report.policies.rules.per_channel.twitter_dm_reply.recall).toBe(1);
  });

  it('refuses to score in-sample when no reply comes before the split moment', async () => {
    const tiny = path.join(dir, 'tiny.csv');
    fs.writeFileSync(tiny, [
      'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
      '2,AcmeHelp,False,Tue Oct 31 22:12:00 +0000 2017,@115712 Sorry! Please send us a DM.,,1',
      '1,115712,True,Tue Oct 31 22:10:00 +0000 2017,@AcmeHelp my bill is wrong,2,',
    ].join('\n') + '\n');
    const tinyHome = path.join(dir, 'tiny');
    await ingest(loadConfig({}, { home: tinyHome, db: 'chdb' }), { file: tiny });
    const result = await runCli(['evaluate', '--home', tinyHome, '--json']);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('file_empty');
    expect(error.message).toContain('nothing earlier to train on');
  });

  it('scores a model trained elsewhere (--model FILE) on every reply of this store, and on nothing else', async () => {
    const model = path.join(dir, 'model.json');
    const trained = await runCli(['train', '--home', home, '--json', '--export', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const modelId = JSON.parse(fs.readFileSync(model, 'utf8')).model_id;
    const result = await runCli(['evaluate', '--home', otherHome, '--json', '--model', model]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.model_id).toBe(modelId);
    expect(report.split).toMatchObject({ mode: 'model', train_samples: 0 });
    // As many samples as this store's own time split holds in both parts together: this store's replies only.
    const own = JSON.parse((await runCli(['evaluate', '--home', otherHome, '--json', '--split', '0.8'])).stdout);
    expect(report.samples).toBe(own.split.train_samples + own.split.test_samples);
    for (const policy of POLICIES) expect(total(report.policies[policy].confusion)).toBe(report.samples);
  });
});
