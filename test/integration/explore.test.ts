import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-explore-'));
const home = path.join(dir, 'home');
beforeAll(async () => {
  const result = await runCli(['run', path.join(ROOT, 'examples', 'twcs_sample.csv'), '--home', home, '--out', path.join(dir, 'p.csv')]);
  expect(result.code).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('riverline explore', () => {
  it('runs one query over the named views and prints JSON or CSV for scripts', async () => {
    const json = await runCli(['explore', '--home', home, '--query', 'SELECT topic, count(*) AS n FROM features GROUP BY topic ORDER BY n DESC, topic', '--format', 'json']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ topic: string; n: number }>;
    expect(rows.reduce((sum, row) => sum + Number(row.n), 0)).toBe(35);
    const csv = await runCli(['explore', '--home', home, '--query', 'SELECT count(*) AS predictions FROM nba_predictions', '--format', 'csv']);
    expect(csv.stdout.trim()).toBe('predictions\n33');
  });

  it('prints the summary distributions with bar charts', async () => {
    const result = await runCli(['explore', '--home', home, '--summary']);
    expect(result.code).toBe(0);
    for (const title of ['Messages per conversation', 'Brand first-response minutes', 'Topics', 'Customer sentiment', 'Channels chosen']) expect(result.stdout).toContain(title);
    expect(result.stdout).toMatch(/█+ \d+/);
  });

  it('says what went wrong with a query in one sentence, and needs a terminal for the prompt', async () => {
    const bad = await runCli(['explore', '--home', home, '--query', 'SELECT * FROM nowhere']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: The query failed: .*nowhere/m);
    const prompt = await runCli(['explore', '--home', home]);
    expect(prompt.code).toBe(1);
    expect(prompt.stderr).toMatch(/needs a terminal; use --query "SQL" or --summary/);
  });
});
