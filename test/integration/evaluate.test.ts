import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-evaluate-'));
const home = path.join(dir, 'home');
beforeAll(async () => {
  await ingest(loadConfig({}, { home, db: 'chdb' }), { file: path.join(ROOT, 'examples', 'twcs_sample.csv') });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('riverline evaluate on the real sample', () => {
  it('replays every brand reply and beats the majority baseline on macro-F1 with the default rules', async () => {
    const html = path.join(dir, 'report.html');
    const result = await runCli(['evaluate', '--home', home, '--json', '--html', html]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['samples', 'agreement', 'macro_f1', 'baseline_macro_f1', 'per_channel', 'confusion', 'timing']));
    expect(report.samples).toBe(53);
    expect(report.macro_f1).toBeGreaterThan(report.baseline_macro_f1);
    const confusionTotal = Object.values(report.confusion as Record<string, Record<string, number>>).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0);
    expect(confusionTotal).toBe(53);
    expect(report.timing.median_actual_response_minutes).toBeGreaterThan(0);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('Confusion matrix');
  });

  it('scores another rule set given with --rules', async () => {
    const rules = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'decisions', 'default-rules.json'), 'utf8'));
    rules.rules = [{ id: 'always_dm', description: 'DM everyone', priority: 1, when: { field: 'message_count', op: '>=', value: 0 }, channel: 'twitter_dm_reply', timing: 'soon', issue_status: 'pending_customer_response' }];
    const file = path.join(dir, 'dm.json');
    fs.writeFileSync(file, JSON.stringify(rules));
    const report = JSON.parse((await runCli(['evaluate', '--home', home, '--json', '--rules', file])).stdout);
    expect(report.per_channel.twitter_dm_reply.predicted).toBe(53);
    expect(report.per_channel.twitter_dm_reply.recall).toBe(1);
  });
});
