// The habits of an oclif CLI (help, -h, did-you-mean, hidden aliases, a description and examples everywhere) and the
// --json contract: one object on stdout, snake_case keys, numbers as numbers, target a --db value.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config } from '@oclif/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-habits-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const ALIASES = ['run_pipeline', 'process_nba_data', 'run_nba_predictions', 'run_nba_api'];
// Their owners give them a description (issue 14); remove a name from here when its command has one.
const COMMANDS = ['evaluate', 'explore', 'generate', 'ingest', 'predict', 'process', 'review', 'run', 'serve', 'train'];

/** Every key that is not snake_case, and every number written as a string, with its path. */
function contractBreaches(value: unknown, where = '$', skip: string[] = []): string[] {
  // Ids and bucket labels are text that may be all digits.
  const textKeys = new Set(['label', 'run_id', 'model_id', 'customer_id', 'conversation_id', 'external_id']);
  if (Array.isArray(value)) return value.flatMap((item, i) => contractBreaches(item, `${where}[${i}]`, skip));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const at = `${where}.${key}`;
      if (skip.includes(at)) return [];
      const own = /^[a-z][a-z0-9_]*$/.test(key) ? [] : [`key ${at}`];
      const text = typeof item === 'string' && !textKeys.has(key) && /^-?\d+(\.\d+)?$/.test(item) ? [`number as string ${at}=${item}`] : [];
      return [...own, ...text, ...contractBreaches(item, at, skip)];
    });
  }
  return [];
}

/** stdout as the one JSON object it must be. */
function oneObject(stdout: string): Record<string, unknown> {
  const value = JSON.parse(stdout) as unknown;
  expect(value, 'stdout is one JSON object').toBeTypeOf('object');
  expect(Array.isArray(value)).toBe(false);
  return value as Record<string, unknown>;
}

describe('oclif habits', () => {
  it('suggests the command nearest to a typo, as text and as JSON, with exit 127', async () => {
    const text = await runCli(['ingst']);
    expect(text.code).toBe(127);
    expect(text.stderr).toContain('ingst is not a riverline command. Did you mean ingest?');
    expect(text.stdout).toBe('');
    const json = await runCli(['ingst', '--json']);
    expect(json.code).toBe(127);
    expect(oneObject(json.stdout)).toEqual({
      error: { code: 'command_not_found', message: 'ingst is not a riverline command. Did you mean ingest?', actions: ['Run riverline help for a list of commands.'], data: { suggestion: 'ingest' } },
    });
  });

  it('answers riverline help, riverline help COMMAND and -h on a command', async () => {
    const root = await runCli(['help']);
    expect(root.code).toBe(0);
    for (const command of COMMANDS) expect(root.stdout).toMatch(new RegExp(`^  ${command}\\s`, 'm'));
    for (const [args, usage] of [
      [['help', 'predict'], 'riverline predict'],
      [['predict', '-h'], 'riverline predict'],
      [['run', '--help'], 'riverline run FILE'],
    ] as const) {
      const result = await runCli([...args]);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toContain(`$ ${usage}`);
      expect(result.stdout).toContain('EXAMPLES');
    }
  });

  it('keeps the old action names working but out of the root help', async () => {
    const root = await runCli(['--help']);
    for (const alias of ALIASES) expect(root.stdout).not.toContain(alias);
    const alias = await runCli(['run_pipeline', '--help']);
    expect(alias.code).toBe(0);
    expect(alias.stdout).toContain('Load a twcs-shaped CSV');
  });

  it('gives every command a summary, a description and at least two examples', async () => {
    const config = await Config.load(ROOT);
    // oclif lists each alias as a copy of its command; help comes from @oclif/plugin-help.
    const ours = config.commands.filter((command) => command.pluginName === 'riverline' && !command.hiddenAliases.includes(command.id));
    expect(ours.map((command) => command.id).sort()).toEqual(COMMANDS);
    for (const command of ours) {
      expect(command.summary, command.id).toBeTruthy();
      expect(command.description, command.id).toBeTruthy();
      expect(command.examples?.length ?? 0, command.id).toBeGreaterThanOrEqual(2);
      expect(command.aliases, command.id).toEqual([]);
    }
    expect(ours.flatMap((command) => command.hiddenAliases).sort()).toEqual([...ALIASES].sort());
  });
});

describe('riverline run takes the flags of every stage it runs', () => {
  const home = path.join(dir, 'run');
  const out = path.join(dir, 'actions.json');
  const model = path.join(dir, 'model.json');
  let summary: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    const result = await runCli([
      'run', SAMPLE, '--json', '--home', home, '--out', out, '--format', 'json', '--customers', '5', '--policy', 'rules', '--llm', 'off',
      '--rules', path.join(ROOT, 'src', 'decisions', 'default-rules.json'), '--as-of', '2017-12-01T00:00:00Z', '--engine', 'duckdb',
      '--export', model, '--encoding', 'utf-8', '--batch-size', '50', '--not-before', '2010-01-01',
    ]);
    expect(result.code, result.stderr).toBe(0);
    summary = oneObject(result.stdout) as typeof summary;
  });

  it('passes them through to the stages', () => {
    expect(summary.ingest).toMatchObject({ target: 'chdb', rows_loaded: 121, encoding: 'utf-8', batches: 3 });
    expect(summary.process).toMatchObject({ as_of: '2017-12-01T00:00:00.000Z' });
    expect(summary.train).toMatchObject({ trained: true, export: model });
    expect(fs.existsSync(model)).toBe(true);
    expect(summary.predict).toMatchObject({ policy: 'rules', format: 'json', out, as_of: '2017-12-01T00:00:00.000Z' });
    expect(summary.predict.predictions).toBeLessThanOrEqual(5);
    expect((summary.predict.llm as Record<string, number>).off).toBe(summary.predict.predictions);
    expect(fs.existsSync(out)).toBe(true);
  });

  it('prints keys in snake_case and numbers as numbers', () => {
    expect(contractBreaches(summary, '$', [])).toEqual([]);
    expect(Object.keys(summary.train.metrics as object)).toContain('action_twitter_public_reply');
  });
});

describe('--json is one contract', () => {
  const home = path.join(dir, 'json');
  beforeAll(async () => {
    const result = await runCli(['run', SAMPLE, '--home', home, '--out', path.join(dir, 'json.csv'), '--llm', 'off']);
    expect(result.code, result.stderr).toBe(0);
  });

  it('prints one object with snake_case keys and numbers as numbers on each command', async () => {
    const commands = [
      ['ingest', SAMPLE],
      ['process'],
      ['predict', '--out', path.join(dir, 'again.csv'), '--llm', 'off'],
      ['evaluate'],
      ['explore', '--summary'],
      ['explore', '--query', 'SELECT topic, count(*) AS conversations, sum(message_count) AS messages, avg(message_count) AS mean FROM features GROUP BY topic'],
    ];
    for (const args of commands) {
      const result = await runCli([...args, '--json', '--home', home]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(contractBreaches(oneObject(result.stdout)), args.join(' ')).toEqual([]);
    }
  });

  it('names the target by its --db value', async () => {
    const result = await runCli(['ingest', SAMPLE, '--json', '--home', home]);
    expect(oneObject(result.stdout)).toMatchObject({ target: 'chdb', rows_already_present: 121 });
  });

  it('gives explore --summary as data and explore --query with its counts as numbers', async () => {
    const summary = oneObject((await runCli(['explore', '--summary', '--json', '--home', home])).stdout);
    expect(Object.keys(summary)).toEqual(['messages_per_conversation', 'brand_first_response_minutes', 'topics', 'customer_sentiment_end', 'resolution', 'channels', 'predict_run']);
    const topics = summary.topics as Array<{ label: string; count: number }>;
    expect(topics.reduce((sum, topic) => sum + topic.count, 0)).toBe(35);
    const query = oneObject((await runCli(['explore', '--query', 'SELECT count(*) AS n, 12345678901234567890::HUGEINT AS huge FROM conversations', '--json', '--home', home])).stdout);
    // A value a double cannot hold exactly stays a string rather than printing a wrong number.
    expect(query).toEqual({ columns: ['n', 'huge'], rows: [{ n: 35, huge: '12345678901234567890' }], row_count: 1 });
  });

  it('says the same words in evaluate text as in its JSON', async () => {
    const text = await runCli(['evaluate', '--home', home]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/support .*predicted/);
    expect(text.stdout).toMatch(/^\s+twitter_dm_reply\s+support\s+\d+\s+rules\s+\d+ /m);
    expect(text.stdout).toContain('logged resolution rate');
    expect(text.stdout).not.toMatch(/\bactual\b|\bchosen\b/);
  });

  it('prints one object when serve starts listening, and nothing else on stdout', async () => {
    const child = startCli(['serve', '--port', '0', '--json', '--home', home]);
    let stdout = '';
    const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
        try {
          resolve(JSON.parse(stdout));
        } catch {
          // not complete yet
        }
      });
      child.on('close', (code) => reject(new Error(`serve exited ${code} before printing its address`)));
    });
    const closed = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    await closed;
    expect(started).toMatchObject({ host: '127.0.0.1', auth: false, rate_limit_per_minute: 6000 });
    expect(started.address).toBe(`http://127.0.0.1:${started.port}`);
    expect(started.docs).toBe(`${started.address}/docs`);
    expect(contractBreaches(started)).toEqual([]);
    expect(JSON.parse(stdout)).toEqual(started);
  });

  it('prints an error as one object with a non-zero exit', async () => {
    const result = await runCli(['ingest', path.join(dir, 'missing.csv'), '--json', '--home', home]);
    expect(result.code).toBe(1);
    expect(oneObject(result.stdout)).toMatchObject({ error: { code: 'file_not_found', message: expect.stringContaining('does not exist') } });
  });
});
