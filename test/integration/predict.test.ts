import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import { binder, compileRules } from '../../src/decisions/compile.js';
import { matchRule } from '../../src/decisions/decide.js';
import { DERIVED_FEATURES, type DerivedFeature } from '../../src/decisions/derived.js';
import { createDecisionFeatures } from '../../src/decisions/predict.sql.js';
import { evidenceSql } from '../../src/decisions/compose.sql.js';
import { evidenceText } from '../../src/decisions/templates.js';
import { listValue } from '@duckdb/node-api';
import { decisionFeatures } from '../../src/decisions/single.js';
import { readCsv } from '../../src/files/csv.js';
import { predict, PREDICTION_COLUMNS } from '../../src/decisions/predict.js';
import { defaultRulesPath } from '../../src/decisions/rules-file.js';
import { DEFAULT_ACTION_SETTINGS, loadRuleSet } from '../../src/decisions/rules.schema.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { generateTwcs } from '../../src/generate/twcs.js';
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
    // A model's policy: the rules policy's CSV is written in SQL, not by the workers.
    const model = path.join(dir, 'workers-model.json');
    writeSampleModel(model);
    const viaWorkers = path.join(dir, 'workers.csv');
    const result = await runCli(['predict', '--home', home, '--out', viaWorkers, '--llm', 'off', '--as-of', '2017-11-01T15:54:37Z', '--policy', 'imitate', '--model', model, '--json']);
    expect(result.code, result.stderr).toBe(0);
    // In this process there is no compiled worker file, so predict composes in its own thread.
    const inline = path.join(dir, 'inline.csv');
    await predict(loadConfig({}, { home, db: 'chdb' }), { out: inline, llm: 'off', asOf: '2017-11-01T15:54:37Z', policy: 'imitate', model });
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
  it('is byte for byte the file DuckDB writes for the same predictions: by the shares in workers and in one thread, and in SQL', async () => {
    const asOf = '2017-11-01T15:54:37Z';
    const config = loadConfig({}, { home, db: 'chdb' });
    const inline = path.join(dir, 'shares-inline.csv');
    const inlineRun = await predict(config, { out: inline, llm: 'off', asOf, composer: 'shares' });
    const inSql = path.join(dir, 'shares-sql.csv');
    const sqlRun = await predict(config, { out: inSql, llm: 'off', asOf });
    const viaWorkers = path.join(dir, 'shares-workers.csv');
    // The CLI writes the rules policy's CSV in SQL too (the workers are compared under a model's policy above).
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
    expect(withRun(inSql, sqlRun.run_id)).toBe(expected);
    expect(sqlRun.by_channel).toEqual(inlineRun.by_channel);
    expect(sqlRun.by_layer).toEqual(inlineRun.by_layer);
    expect(withRun(viaWorkers, workersRun)).toBe(expected);
    // The store loaded that CSV as it is (appendCsv): the same rows as the Parquet run stored through DuckDB.
    const stored = (run: string) =>
      queryEmbedded(path.join(home, 'clickhouse'), 'SELECT * EXCEPT (run_id, created_at) FROM nba_predictions WHERE run_id = {run:String} ORDER BY conversation_id', { run });
    const throughDuckDb = await stored(parquetRun.run_id);
    expect(throughDuckDb.length).toBe(parquetRun.predictions);
    expect(throughDuckDb.some((row) => row.send_time === null) && throughDuckDb.some((row) => row.message === '')).toBe(true);
    expect(await stored(inlineRun.run_id)).toEqual(throughDuckDb);
    expect(await stored(sqlRun.run_id)).toEqual(throughDuckDb);
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

/** Rules that reach every branch of the SQL composer: evidence of each type, a description to quote, every action's condition. */
function hardRules(quietStart: number, quietEnd: number): object {
  const base = JSON.parse(fs.readFileSync(defaultRulesPath(), 'utf8')) as { rules: Array<Record<string, unknown>> };
  return {
    version: 1,
    quiet_hours: { start: quietStart, end: quietEnd },
    contact_window_hours: 12.5,
    rules: [
      {
        id: 'fractions',
        description: 'Waited "a while", with commas, a line end\nand ünïcode',
        priority: 1,
        when: { all: [{ field: 'hours_since_last_customer_message', op: '>', value: 0.015 }, { field: 'awaiting_reply_from', op: 'in', value: ['brand', 'nobody'] }, { not: { field: 'is_urgent', op: '=', value: true } }] },
        channel: 'twitter_public_reply',
        timing: 'active_hours',
        issue_status: 'pending_customer_response',
      },
      {
        id: 'trend',
        description: 'Sentiment, trend and rates, unrounded.',
        priority: 2,
        when: { any: [{ field: 'sentiment_trend', op: '<', value: 0 }, { field: 'customer_resolution_rate', op: '>=', value: 0 }, { field: 'median_response_minutes', op: '>', value: 1 }] },
        channel: 'email_reply',
        timing: 'soon',
        issue_status: 'awaiting_agent',
      },
      ...base.rules,
    ],
    actions: {
      worth: DEFAULT_ACTION_SETTINGS.worth,
      allowed_when: {
        twitter_public_reply: { field: 'topic', op: '!=', value: 'billing' },
        twitter_dm_reply: { field: 'customer_sentiment_end', op: '<', value: 0.2 },
        email_reply: { not: { field: 'brand_asked_email', op: '=', value: false } },
        scheduling_phone_call: { field: 'message_count', op: '>=', value: 3 },
      },
      hold_rules: [],
      min_propensity_samples: 1,
      min_outcome_samples: 1,
      min_action_resolved: 1,
      min_outcome_gain: 0,
    },
  };
}

describe('the SQL composer', () => {
  it('writes the rules policy byte for byte as the compose shares do, with every kind of evidence, guard-rail and receipt', async () => {
    // A generated file: customers with more than one open conversation (the contact policy), many brands and topics.
    const generated = path.join(dir, 'hard.csv');
    generateTwcs({ rows: 3000, out: generated, seed: 11 });
    const config = loadConfig({}, { home: path.join(dir, 'hard-home'), db: 'chdb' });
    await ingest(config, { file: generated });
    await processConversations(config, { engine: 'duckdb' });
    // As of 15:54 inside quiet hours (15 to 16 UTC): every send but an urgent one is moved, and the receipt says so.
    for (const [quiet, asOf] of [[[15, 16], '2017-11-01T15:54:37Z'], [[23, 7], '2017-11-02T09:00:00Z']] as const) {
      const rulesFile = path.join(dir, `hard-rules-${quiet[0]}.json`);
      fs.writeFileSync(rulesFile, JSON.stringify(hardRules(quiet[0], quiet[1])));
      const shares = await predict(config, { out: path.join(dir, 'hard-shares.csv'), llm: 'off', asOf, rulesFile, composer: 'shares' });
      const inSql = await predict(config, { out: path.join(dir, 'hard-sql.csv'), llm: 'off', asOf, rulesFile });
      const text = (file: string, runId: string) => fs.readFileSync(path.join(dir, file), 'utf8').replaceAll(runId, 'RUN');
      const expected = text('hard-shares.csv', shares.run_id);
      expect(text('hard-sql.csv', inSql.run_id)).toBe(expected);
      expect(inSql.by_channel).toEqual(shares.by_channel);
      const rows = await readCsv(path.join(dir, 'hard-sql.csv'));
      expect(rows.length).toBe(inSql.predictions);
      expect(rows.length).toBeGreaterThan(500);
      // What the rules reached: fractions in the evidence, the quoted description, held conversations.
      expect(rows.some((row) => row.rule_id === 'fractions' && /hours_since_last_customer_message=\d+\.\d+/.test(row.reasoning!) && row.reasoning!.includes('"a while"'))).toBe(true);
      expect(rows.some((row) => row.rule_id === 'contact_policy')).toBe(true);
      expect(new Set(rows.map((row) => JSON.stringify(JSON.parse(row.receipt!).actions.map((a: { eligible: boolean }) => a.eligible)))).size).toBeGreaterThan(1);
      const quietGuards = rows.filter((row) => row.receipt!.includes('quiet hours')).length;
      if (quiet[0] === 15) expect(quietGuards).toBeGreaterThan(0);
      else expect(quietGuards).toBe(0);
    }
  });

  it('writes the header alone, as the shares do, when no conversation is decided', async () => {
    const config = loadConfig({}, { home, db: 'chdb' });
    const files = { sql: path.join(dir, 'none-sql.csv'), shares: path.join(dir, 'none-shares.csv') };
    const inSql = await predict(config, { out: files.sql, llm: 'off', customers: 0 });
    const shares = await predict(config, { out: files.shares, llm: 'off', customers: 0, composer: 'shares' });
    expect([inSql.predictions, shares.predictions]).toEqual([0, 0]);
    expect(fs.readFileSync(files.sql, 'utf8')).toBe(`${PREDICTION_COLUMNS.join(',')}\n`);
    expect(fs.readFileSync(files.shares, 'utf8')).toBe(fs.readFileSync(files.sql, 'utf8'));
  });

  it('prints numbers as JavaScript does, in the evidence and in the fired JSON', async () => {
    const staging = await openStaging(':memory:');
    try {
      const values = [0, -0, 3, -3, 0.1, 0.015, 0.005, 2.675, 1.005, 27.583333333333332, 1e-7, 1.5e-7, 0.000001, 1e16, 1e20, 1e21, 1.5e22, -2.5, 123456789.125, Number.NaN, Infinity, -Infinity];
      await staging.run('CREATE TEMP TABLE f AS SELECT unnest($v::DOUBLE[]) AS median_response_minutes, generate_subscripts($v::DOUBLE[], 1) AS i', { v: listValue(values.map((v) => String(v))) });
      const params: Record<string, string | number | boolean> = {};
      const { evidence, fired } = evidenceSql([['r', ['median_response_minutes']]], binder(params, 'p'), ', ');
      const rows = await staging.rows<{ evidence: string; fired: string }>(`SELECT ${evidence} AS evidence, ${fired} AS fired FROM f CROSS JOIN (SELECT 'r' AS rule_id) g ORDER BY i`, params);
      expect(rows.map((row) => row.evidence)).toEqual(values.map((v) => evidenceText({ median_response_minutes: v })));
      expect(rows.map((row) => row.fired)).toEqual(values.map((v) => JSON.stringify({ median_response_minutes: v })));
    } finally {
      staging.close();
    }
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
    // PostgreSQL's export reaches DuckDB as CSV (ids may read as numbers): the SQL composer still writes the shares' bytes.
    const byShares = await predict(config, { out: path.join(dir, 'pg-shares.csv'), llm: 'off', composer: 'shares' });
    const text = (file: string, runId: string) => fs.readFileSync(path.join(dir, file), 'utf8').replaceAll(runId, 'RUN');
    expect(text('pg.csv', onPostgres.run_id)).toBe(text('pg-shares.csv', byShares.run_id));
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
