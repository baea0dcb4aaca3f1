import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import { compileRules } from '../../src/decisions/compile.js';
import { matchRule } from '../../src/decisions/decide.js';
import { DERIVED_FEATURES, type DerivedFeature } from '../../src/decisions/derived.js';
import { createDecisionFeatures } from '../../src/decisions/predict.sql.js';
import { decisionFeatures } from '../../src/decisions/single.js';
import { readCsv } from '../../src/files/csv.js';
import { predict, PREDICTION_COLUMNS } from '../../src/decisions/predict.js';
import { defaultRulesPath } from '../../src/decisions/rules-file.js';
import { loadRuleSet } from '../../src/decisions/rules.schema.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { writeSampleModel } from '../helpers/model.js';
import { openStaging } from '../../src/staging/duckdb.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const THREADS = path.join(ROOT, 'test', 'fixtures', 'threads.csv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-predict-'));
const home = path.join(dir, 'home');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const config = loadConfig({}, { home, db: 'chdb' });
  await ingest(config, { file: SAMPLE });
  await ingest(config, { file: THREADS });
  await processConversations(config, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('composing in worker threads', () => {
  it('gives the same actions as composing in one thread (the CLI runs the compiled workers, the tests the sources)', async () => {
    const viaWorkers = path.join(dir, 'workers.csv');
    const result = await runCli(['predict', '--home', home, '--out', viaWorkers, '--llm', 'off', '--as-of', '2017-11-01T15:54:37Z', '--json']);
    expect(result.code, result.stderr).toBe(0);
    // In this process there is no compiled worker file, so predict composes in its own thread.
    const inline = path.join(dir, 'inline.csv');
    await predict(loadConfig({}, { home, db: 'chdb' }), { out: inline, llm: 'off', asOf: '2017-11-01T15:54:37Z' });
    const withoutRun = (rows: Array<Record<string, string | null>>) => rows.map(({ run_id: _run, ...rest }) => rest);
    const [a, b] = [await readCsv(viaWorkers), await readCsv(inline)];
    expect(a.length).toBeGreaterThan(30);
    expect(withoutRun(a)).toEqual(withoutRun(b));
  });
});

/** predict's Parquet file through DuckDB's own CSV writer, sorted as predict's CSV is: the bytes the shares must write. */
async function throughDuckDbWriter(parquet: string, file: string): Promise<string> {
  const staging = await openStaging(':memory:');
  try {
    await staging.run(`COPY (SELECT * FROM read_parquet($parquet) ORDER BY customer_id, conversation_id) TO $file (FORMAT csv, HEADER true)`, { parquet, file });
  } finally {
    staging.close();
  }
  return file;
}

describe('the CSV the compose shares write', () => {
  it('is byte for byte the file DuckDB writes for the same predictions, in workers and in one thread', async () => {
    const asOf = '2017-11-01T15:54:37Z';
    const config = loadConfig({}, { home, db: 'chdb' });
    const inline = path.join(dir, 'shares-inline.csv');
    const inlineRun = await predict(config, { out: inline, llm: 'off', asOf });
    const viaWorkers = path.join(dir, 'shares-workers.csv');
    const cli = await runCli(['predict', '--home', home, '--out', viaWorkers, '--llm', 'off', '--as-of', asOf, '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const workersRun = JSON.parse(cli.stdout).run_id as string;
    // The same predictions through DuckDB's own writer: predict's Parquet file, sorted as the CSV is and copied to CSV.
    const parquet = path.join(dir, 'shares.parquet');
    const parquetRun = await predict(config, { out: parquet, format: 'parquet', llm: 'off', asOf });
    const byDuckDb = await throughDuckDbWriter(parquet, path.join(dir, 'shares-duckdb.csv'));
    const withRun = (file: string, runId: string) => fs.readFileSync(file, 'utf8').replaceAll(runId, 'RUN');
    const expected = withRun(byDuckDb, parquetRun.run_id);
    expect(expected.split('\n').length).toBeGreaterThan(30);
    expect(withRun(inline, inlineRun.run_id)).toBe(expected);
    expect(withRun(viaWorkers, workersRun)).toBe(expected);
    // The store loaded that CSV as it is (appendCsv): the same rows as the Parquet run stored through DuckDB.
    const stored = (run: string) =>
      queryEmbedded(path.join(home, 'clickhouse'), 'SELECT * EXCEPT (run_id, created_at) FROM nba_predictions WHERE run_id = {run:String} ORDER BY conversation_id', { run });
    const throughDuckDb = await stored(parquetRun.run_id);
    expect(throughDuckDb.length).toBe(parquetRun.predictions);
    expect(throughDuckDb.some((row) => row.send_time === null) && throughDuckDb.some((row) => row.message === '')).toBe(true);
    expect(await stored(inlineRun.run_id)).toEqual(throughDuckDb);
    expect(await stored(workersRun)).toEqual(throughDuckDb);
  });

  it("writes a learned policy's receipts and evidence byte for byte as DuckDB's writer does", async () => {
    const asOf = '2017-11-01T15:54:37Z';
    const config = loadConfig({}, { home, db: 'chdb' });
    const model = path.join(dir, 'shares-model.json');
    writeSampleModel(model);
    const options = { llm: 'off', asOf, policy: 'learned', model } as const;
    const csv = path.join(dir, 'shares-learned.csv');
    const csvRun = await predict(config, { ...options, out: csv });
    const parquet = path.join(dir, 'shares-learned.parquet');
    const parquetRun = await predict(config, { ...options, out: parquet, format: 'parquet' });
    const byDuckDb = await throughDuckDbWriter(parquet, path.join(dir, 'shares-learned-duckdb.csv'));
    const expected = fs.readFileSync(byDuckDb, 'utf8').replaceAll(parquetRun.run_id, 'RUN');
    // The model decided some rows, with its numbers in their receipts.
    expect(expected).toMatch(/""layer"":""outcome""/);
    expect(expected).toMatch(/""propensity"":0\.\d+/);
    expect(fs.readFileSync(csv, 'utf8').replaceAll(csvRun.run_id, 'RUN')).toBe(expected);
  });
});

describe('riverline predict', () => {
  it("writes nba_predictions.csv with the seed's columns first, one row per open conversation", async () => {
    const out = path.join(dir, 'nba_predictions.csv');
    const result = await runCli(['predict', '--home', home, '--out', out, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    // 40 conversations: 35 from the sample (its agent account 115722 is no customer), 5 hand-made; 4 of them resolved.
    expect(summary).toMatchObject({ predictions: 36, skipped_resolved: 4, llm: { enhanced: 0, fallback: 0, off: 36 }, out, format: 'csv' });
    expect(Object.values(summary.by_channel as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(36);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe(PREDICTION_COLUMNS.join(','));
    expect(PREDICTION_COLUMNS.slice(0, 7)).toEqual(['customer_id', 'chat_log', 'channel', 'message', 'send_time', 'reasoning', 'issue_status']);
    const rows = await readCsv(out);
    expect(rows).toHaveLength(36);
    const sprint = rows.find((row) => row.customer_id === '115712')!;
    expect(sprint.chat_log!.split('\n')[0]).toBe('Customer: @sprintcare is the worst customer service');
    expect(sprint.chat_log!.split('\n')[1]).toMatch(/^Agent \(sprintcare\): @115712 Can you please send us a private message/);
    expect(sprint).toMatchObject({ channel: 'scheduling_phone_call', rule_id: 'escalate_to_phone', issue_status: 'escalated', llm_status: 'off', brand: 'sprintcare' });
    expect(sprint.send_time).toMatch(/^2017-11-0[12]T\d\d:00:00\.000Z$/);
    expect(JSON.parse(sprint.fired!)).toMatchObject({ is_escalating: true, customer_messages: 4 });
    // c5 complained on Oct 4 and nobody answered; four weeks later an e-mail goes out at c5's active hour (12:00).
    expect(rows.find((row) => row.customer_id === 'c5')).toMatchObject({ channel: 'email_reply', rule_id: 'dormant_email_follow_up', send_time: '2017-11-02T12:00:00.000Z' });
    // Unanswered public complaints from the last two days get a public reply within 15 minutes of the as-of time.
    const publicReplies = rows.filter((row) => row.rule_id === 'public_first_reply');
    expect(publicReplies.length).toBeGreaterThan(0);
    expect(publicReplies.every((row) => row.send_time === '2017-11-01T16:09:37.000Z' && row.channel === 'twitter_public_reply')).toBe(true);
    const stored = await queryEmbedded<{ n: string }>(path.join(home, 'clickhouse'), 'SELECT count() AS n FROM nba_predictions WHERE run_id = {run:String}', { run: summary.run_id });
    expect(Number(stored[0].n)).toBe(36);
  });

  it('answers to run_nba_predictions, limits to --customers and writes JSON', async () => {
    const out = path.join(dir, 'few.json');
    const result = await runCli(['run_nba_predictions', '--home', home, '--customers', '3', '--format', 'json', '--out', out, '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(fs.readFileSync(out, 'utf8')) as Array<Record<string, unknown>>;
    expect(new Set(rows.map((row) => row.customer_id)).size).toBe(3);
    expect(JSON.parse(result.stdout).predictions).toBe(rows.length);
  });

  it('refuses a rules file that does not validate, in one sentence', async () => {
    const bad = path.join(dir, 'bad-rules.json');
    fs.writeFileSync(bad, JSON.stringify({ version: 1, quiet_hours: { start: 23, end: 7 }, contact_window_hours: 24, rules: [] }));
    const result = await runCli(['predict', '--home', home, '--rules', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: The rules file .*bad-rules\.json is not a valid rule set: rules: /m);
  });

  it('says to run process first on a database without conversations', async () => {
    const result = await runCli(['predict', '--db', 'postgres'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: There are no conversations to predict for yet: run `riverline process` first/m);
  });
});

describe('predict on PostgreSQL', () => {
  it('decides the same channels as on embedded ClickHouse and stores the rows', async () => {
    const config = loadConfig({ DATABASE_URL: db.url }, { home: path.join(dir, 'pg'), db: 'postgres' });
    await ingest(config, { file: SAMPLE });
    await ingest(config, { file: THREADS });
    await processConversations(config, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
    const onPostgres = await predict(config, { out: path.join(dir, 'pg.csv'), llm: 'off' });
    const onClickHouse = await predict(loadConfig({}, { home, db: 'chdb' }), { out: path.join(dir, 'ch.csv'), llm: 'off' });
    expect(onPostgres).toMatchObject({ target: 'postgres', predictions: 36, skipped_resolved: 4 });
    expect(onPostgres.by_channel).toEqual(onClickHouse.by_channel);
    const strip = async (file: string) => (await readCsv(file)).map(({ run_id: _run, ...row }) => row);
    expect(await strip(path.join(dir, 'pg.csv'))).toEqual(await strip(path.join(dir, 'ch.csv')));
    const [{ n }] = await db.query<{ n: string }>('SELECT count(*) AS n FROM nba_predictions WHERE run_id = $1', [onPostgres.run_id]);
    expect(Number(n)).toBe(36);
  });
});

describe('rules in SQL and in TypeScript', () => {
  // Batch predict's decision features (SQL) and serve's (TypeScript), each from the code, over the same stored conversations.
  it('derive the same features and pick the same rule for every conversation', async () => {
    const rules = loadRuleSet(defaultRulesPath());
    const compiled = compileRules(rules);
    const conversations = await queryEmbedded<Record<string, unknown>>(path.join(home, 'clickhouse'), 'SELECT * FROM conversations');
    const staging = await openStaging(':memory:');
    try {
      const file = path.join(dir, 'conversations.json');
      fs.writeFileSync(file, conversations.map((row) => JSON.stringify(row)).join('\n'));
      // Without a profile: no customer_conversations or customer_resolution_rate, as decisionFeatures(row, null).
      await staging.run(
        `CREATE TEMP TABLE open_conversations AS SELECT *, NULL::INTEGER AS customer_conversations, NULL::DOUBLE AS customer_resolution_rate
         FROM read_json($file, format = 'newline_delimited')`,
        { file },
      );
      await staging.run(createDecisionFeatures('open_conversations'));
      const derived = Object.keys(DERIVED_FEATURES);
      const fromSql = await staging.rows<Record<string, unknown>>(`SELECT conversation_id, ${derived.join(', ')}, ${compiled.sql} AS rule_id FROM decision_features`, compiled.params);
      const bySql = new Map(fromSql.map((row) => [String(row.conversation_id), row]));
      expect(bySql.size).toBe(conversations.length);
      for (const row of conversations) {
        const id = String(row.conversation_id);
        const features = decisionFeatures(row, null);
        const sql = bySql.get(id)!;
        expect(Object.fromEntries(derived.map((name) => [name, sql[name]])), id).toEqual(Object.fromEntries(derived.map((name) => [name, features[name as DerivedFeature]])));
        expect(sql.rule_id, id).toBe(matchRule(features, rules).rule_id);
      }
      expect(new Set(fromSql.map((row) => row.rule_id)).size).toBeGreaterThan(3);
      expect(fromSql.some((row) => row.is_escalating) && fromSql.some((row) => !row.is_escalating)).toBe(true);
    } finally {
      staging.close();
    }
  });
});
