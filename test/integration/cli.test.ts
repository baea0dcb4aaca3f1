import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/files/csv.js';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('Error:'));
}

describe('riverline ingest from the command line', () => {
  it('prints a machine-readable summary with --json and nothing else on stdout', async () => {
    const home = path.join(dir, 'json');
    const result = await runCli(['ingest', SAMPLE, '--json', '--home', home]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ target: 'chdb', rows_read: 121, rows_loaded: 121, rows_rejected: 0, rows_already_present: 0 });
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['run_id', 'rejected_by_reason', 'seconds']));
    expect(result.stderr).toBe('');
  });

  it('answers to the seed action name run_pipeline and says when nothing is new', async () => {
    const home = path.join(dir, 'alias');
    await runCli(['ingest', SAMPLE, '--home', home]);
    const again = await runCli(['run_pipeline', SAMPLE, '--home', home]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing new: every valid row was already loaded.');
    expect(again.stderr).toContain('[riverline] Normalize+load: done');
  });

  it('exits 0 and reports counts when rows are quarantined', async () => {
    const result = await runCli(['ingest', path.join(ROOT, 'test', 'fixtures', 'broken.csv'), '--home', path.join(dir, 'broken')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rejected:\s+8/);
    expect(result.stdout).toMatch(/malformed_row\s+2/);
  });

  it('says in one sentence, without a stack, that the file is missing, empty or lacks columns', async () => {
    const empty = path.join(dir, 'empty.csv');
    fs.writeFileSync(empty, '');
    const noColumns = path.join(dir, 'columns.csv');
    fs.writeFileSync(noColumns, 'id,user,message\n1,a,hi\n');
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, 'missing.csv'), /^Error: The file .*missing\.csv does not exist\.$/],
      [empty, /^Error: The file .*empty\.csv is empty: it has no header and no rows\.$/],
      [noColumns, /^Error: The file .*columns\.csv lacks the required columns tweet_id, author_id, inbound, created_at, text/],
    ];
    for (const [file, message] of cases) {
      const result = await runCli(['ingest', file, '--home', path.join(dir, 'errors')]);
      expect(result.code).toBe(1);
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(errorLines(result.stderr)[0]).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('says the database is unreachable without printing its password, and shows the stack only with --verbose', async () => {
    const env = { DATABASE_URL: 'postgres://riverline:topsecret@127.0.0.1:1/nowhere' };
    const plain = await runCli(['ingest', SAMPLE, '--db', 'postgres', '--home', path.join(dir, 'pg')], env);
    expect(plain.code).toBe(1);
    expect(errorLines(plain.stderr)[0]).toMatch(/^Error: Could not reach PostgreSQL at postgres:\/\/riverline:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    expect(plain.stderr).not.toContain('topsecret');
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runCli(['ingest', SAMPLE, '--db', 'postgres', '--home', path.join(dir, 'pg'), '--verbose'], env);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    expect(verbose.stderr).not.toContain('topsecret');
  });

  it('explains what --db supabase needs when no connection string is set', async () => {
    const result = await runCli(['ingest', SAMPLE, '--db', 'supabase', '--home', path.join(dir, 'sb')], { SUPABASE_URL: 'https://x.supabase.co', SUPABASE_KEY: 'anon-key' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)[0]).toMatch(/SUPABASE_DB_URL or DATABASE_URL/);
  });

  it('rejects unknown flags and values with exit code 2', async () => {
    const badValue = await runCli(['ingest', SAMPLE, '--db', 'oracle']);
    expect(badValue.code).toBe(2);
    expect(errorLines(badValue.stderr)[0]).toMatch(/--db=oracle/);
    const json = await runCli(['ingest', SAMPLE, '--nope', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'bad_flag' });
  });
});

describe('riverline run', () => {
  it('ingests, processes and predicts in one command', async () => {
    const out = path.join(dir, 'run.csv');
    const result = await runCli(['run', SAMPLE, '--json', '--home', path.join(dir, 'run'), '--out', out]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.ingest).toMatchObject({ rows_loaded: 121 });
    expect(summary.process).toMatchObject({ conversations: 35, customers: 35 });
    expect(summary.predict).toMatchObject({ predictions: 33, skipped_resolved: 2, out });
    expect(fs.existsSync(out)).toBe(true);
    // run trains (there was no model) and predicts with that model, a receipt on every row.
    expect(summary.predict).toMatchObject({ policy: 'learned', model_id: summary.train.model_id });
    const rows = await readCsv(out);
    expect(rows.every((row) => JSON.parse(row.receipt!).model_id === summary.train.model_id)).toBe(true);
  });
});

describe('riverline generate', () => {
  it('writes a file that ingests with the counts it announced', async () => {
    const out = path.join(dir, 'generated.csv');
    const generated = await runCli(['generate', '--rows', '3000', '--out', out, '--malformed', '5', '--seed', '11', '--json']);
    expect(generated.code).toBe(0);
    expect(JSON.parse(generated.stdout)).toMatchObject({ rows: 3000, malformed: { bad_timestamp: 1, missing_text: 1, wrong_column_count: 1, duplicate_id: 1, stray_quote: 1 } });
    const ingested = JSON.parse((await runCli(['ingest', out, '--json', '--home', path.join(dir, 'gen')])).stdout);
    expect(ingested).toMatchObject({ rows_read: 3000, rows_rejected: 5, rows_loaded: 2995 });
  });
});
