// explore sees every table of the store on both targets, names the tables there are when a query names one that is
// not, and counts the latest predict run in --summary. The text table rounds and right-aligns numbers, is cut to the
// terminal's width, and --vertical prints a line per field.
import fs from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processConversations } from '../../src/conversations/process.js';
import { predict, type PredictResult } from '../../src/decisions/predict.js';
import { UserError } from '../../src/errors.js';
import { formatRows, openExplorer, type Explorer } from '../../src/explore/explore.js';
import { formatSummary, summarize, SUMMARY_TABLES } from '../../src/explore/summary.js';
import { EXPLORE_NAMES, tablesFor } from '../../src/explore/views.js';
import { ingest, type IngestResult } from '../../src/pipeline/ingest.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { TARGET_NAMES, useBothTargets, type TargetName } from '../helpers/targets.js';

const targets = useBothTargets('explore-tables');
const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const BROKEN = path.join(ROOT, 'test', 'fixtures', 'broken.csv');

interface Loaded {
  broken: IngestResult;
  sample: IngestResult;
  runs: PredictResult[];
}
const loaded = new Map<TargetName, Loaded>();

beforeAll(async () => {
  for (const target of TARGET_NAMES) {
    const config = targets.config(target);
    const broken = await ingest(config, { file: BROKEN });
    const sample = await ingest(config, { file: SAMPLE });
    await processConversations(config);
    const out = path.join(targets.home, `${target}-predictions.csv`);
    const runs = [await predict(config, { llm: 'off', policy: 'rules', out }), await predict(config, { llm: 'off', policy: 'rules', out, customers: 5 })];
    loaded.set(target, { broken, sample, runs });
  }
});

afterAll(() => {
  fs.rmSync(path.join(targets.home, 'explore'), { recursive: true, force: true });
});

async function withExplorer<T>(target: TargetName, tables: readonly string[] | undefined, use: (explorer: Explorer) => Promise<T>): Promise<T> {
  const explorer = await openExplorer(targets.config(target), { tables });
  try {
    return await use(explorer);
  } finally {
    explorer.close();
  }
}

describe.each(TARGET_NAMES)('explore on %s', (target) => {
  it('sees every table of the store, interactions, rejected_interactions and nba_reviews included', async () => {
    const { broken, sample } = loaded.get(target)!;
    await withExplorer(target, undefined, async (explorer) => {
      for (const name of EXPLORE_NAMES) {
        const { rows } = await explorer.query(`SELECT count(*) AS n FROM ${name}`);
        expect(rows, name).toHaveLength(1);
      }
      const interactions = await explorer.query('SELECT count(*) AS n, count(DISTINCT external_id) AS ids FROM interactions');
      expect(interactions.rows[0].n).toBe(interactions.rows[0].ids);
      expect(Number(interactions.rows[0].n)).toBe(broken.rows_loaded + sample.rows_loaded);
      const rejected = await explorer.query(`SELECT reason, count(*) AS n FROM rejected_interactions WHERE run_id = '${broken.run_id}' GROUP BY 1 ORDER BY 1`);
      const byReason = Object.fromEntries(Object.entries(broken.rejected_by_reason).filter(([, n]) => n > 0));
      expect(Object.fromEntries(rejected.rows.map((row) => [row.reason, Number(row.n)]))).toEqual(byReason);
      expect((await explorer.query('SELECT count(*) AS n FROM nba_reviews')).rows[0].n).toBe(0);
      const runs = await explorer.query(`SELECT pipeline, status FROM pipeline_runs WHERE run_id = '${broken.run_id}'`);
      expect(runs.rows).toEqual([{ pipeline: 'ingest', status: 'succeeded' }]);
    });
  });

  it('copies only the tables a query names, and an unknown table is refused with the list of tables there are', async () => {
    expect(tablesFor('SELECT * FROM rejected_interactions')).toEqual(['rejected_interactions']);
    expect(tablesFor('select topic from FEATURES')).toEqual(['conversations', 'customer_profiles']);
    await withExplorer(target, tablesFor('SELECT * FROM nowhere'), async (explorer) => {
      const error = await explorer.query('SELECT * FROM nowhere').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe(`The query failed: there is no table nowhere. explore has ${EXPLORE_NAMES.join(', ')}.`);
      expect((error as UserError).data).toMatchObject({ table: 'nowhere', tables: EXPLORE_NAMES });
    });
  });

  it('--summary counts the channels of the latest predict run and names it', async () => {
    const { runs } = loaded.get(target)!;
    const latest = runs[1];
    await withExplorer(target, SUMMARY_TABLES, async (explorer) => {
      const summary = await summarize(explorer);
      expect(summary.predict_run).toMatchObject({ run_id: latest.run_id, predictions: latest.predictions, runs_stored: 2 });
      expect(summary.predict_run?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(summary.channels.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(latest.predictions);
      const text = formatSummary(summary);
      expect(text).toContain(`Channels chosen, predict run ${latest.run_id.slice(0, 8)} of `);
      expect(text).toContain('(latest of 2)');
      for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    });
  });
});

describe('explore --query as text', () => {
  const home = targets.home;

  it('rounds numbers to at most 4 decimals and right-aligns them', async () => {
    const sql = "SELECT 'a' AS label, 3.14159265 AS x, 12 AS n UNION ALL SELECT 'bb', 1234.5, 7 UNION ALL SELECT 'ccc', 0.000123456, 1234567 ORDER BY label";
    const result = await runCli(['explore', '--home', home, '--query', sql]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'label          x        n',
      '-----  ---------  -------',
      'a         3.1416       12',
      'bb        1234.5        7',
      'ccc    0.0001235  1234567',
      '(3 rows)',
    ]);
  });

  it('--vertical prints one "column: value" line per field, rows separated', async () => {
    const result = await runCli(['explore', '--home', home, '--query', 'SELECT customer_id, channel, sentiment FROM nba_predictions ORDER BY customer_id LIMIT 2', '--vertical']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('-[ row '))).toHaveLength(2);
    expect(lines.filter((line) => /^customer_id: \S+$/.test(line))).toHaveLength(2);
    expect(lines.filter((line) => /^channel: {5}\S+$/.test(line))).toHaveLength(2);
    expect(lines.at(-1)).toBe('(2 rows)');
  });

  it('--format arrow --out writes an Arrow IPC file with typed columns, and needs --out', async () => {
    const out = path.join(home, 'predictions.arrow');
    const sql = 'SELECT customer_id, sentiment, as_of FROM nba_predictions ORDER BY customer_id, run_id';
    const result = await runCli(['explore', '--home', home, '--query', sql, '--format', 'arrow', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const written = JSON.parse(result.stdout);
    const table = tableFromIPC(fs.readFileSync(out));
    expect(written).toMatchObject({ columns: ['customer_id', 'sentiment', 'as_of'], out, format: 'arrow', row_count: table.numRows });
    expect(table.numRows).toBeGreaterThan(0);
    expect(String(table.schema.fields.find((field) => field.name === 'as_of')?.type)).toMatch(/^Timestamp/);
    const missing = await runCli(['explore', '--home', home, '--query', sql, '--format', 'arrow']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Error: --format arrow writes a binary file: give it one with --out FILE/m);
  });

  it('cuts a wide table to the terminal: long text first, then the columns that do not fit, and says so', () => {
    const row = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`column_${i}`, `a rather long value number ${i} `.repeat(3)]));
    const table = formatRows({ columns: Object.keys(row), rows: [row, row] }, 'table', { width: 80 });
    for (const line of table.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(table).toMatch(/…/);
    expect(table).toMatch(/^\(\d+ more columns did not fit; --vertical shows every field\)$/m);
    const wider = formatRows({ columns: Object.keys(row), rows: [row] }, 'table', { width: 100 });
    expect(wider).toMatch(/^\(\d+ more columns did not fit: .*column_11; --vertical shows every field\)$/m);
    const vertical = formatRows({ columns: Object.keys(row), rows: [row] }, 'table', { width: 80, vertical: true });
    for (const line of vertical.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(vertical).toContain('column_11:');
  });
});
