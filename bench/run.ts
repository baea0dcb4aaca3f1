// npm run bench [-- --rows N]: ingest, process, predict, serve and train benchmarks on a generated twcs-sized file, written to bench/RESULTS.md.
// Each measurement runs in a fresh process (peak RSS is that process's own) against a fresh target.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { openStaging } from '../src/staging/duckdb.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateTwcs } from '../src/generate/twcs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rowsFlag = process.argv.indexOf('--rows');
const ROWS = rowsFlag > 0 ? Number(process.argv[rowsFlag + 1]) : 2_811_774;
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SEED_SCRIPT = path.resolve(ROOT, '..', 'shared', 'reference', 'seed_pandas_engine.py');

interface Measured {
  wall_seconds: number;
  peak_rss_bytes: number;
  rows_read: number;
  rows_loaded: number;
  rows_already_present: number;
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

interface ProcessMeasured {
  wall_seconds: number;
  peak_rss_bytes: number;
  conversations: number;
  customers: number;
}

/** Runs one job in a fresh process (measure.ts) against db in home; arg is the file (ingest), the engine (process) or the output file (predict). */
function measure<T>(job: 'ingest' | 'process' | 'predict' | 'predict-learned' | 'train', db: string, home: string, arg: string, env: Record<string, string> = {}): T {
  const args = [job, db, home, arg];
  const child = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bench', 'measure.js'), ...args], {
    env: { ...process.env, CI: 'true', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`measure.js ${args.join(' ')} failed: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as T;
}

const measureIngest = (file: string, db: string, home: string, env: Record<string, string> = {}) => measure<Measured>('ingest', db, home, file, env);
const measureProcess = (db: string, home: string, engine: string, env: Record<string, string> = {}) => measure<ProcessMeasured>('process', db, home, engine, env);

interface PredictMeasured {
  wall_seconds: number;
  peak_rss_bytes: number;
  predictions: number;
  skipped_resolved: number;
}
const measurePredict = (db: string, home: string, out: string, env: Record<string, string> = {}) => measure<PredictMeasured>('predict', db, home, out, env);
const measurePredictLearned = (db: string, home: string, out: string) => measure<PredictMeasured>('predict-learned', db, home, out);

interface TrainMeasured {
  wall_seconds: number;
  peak_rss_bytes: number;
  training_rows: number;
  metrics: Record<string, number>;
}
const measureTrain = (db: string, home: string, engine: string) => measure<TrainMeasured>('train', db, home, engine);

interface ServeMeasured {
  requests_per_second: number;
  p50_ms: number;
  p99_ms: number;
  non_2xx: number;
  total: number;
  startup_seconds: number;
}

/** Customer ids that exist in the generated file, for a load test that does not just count 404s. */
async function customerIds(file: string, limit: number): Promise<string[]> {
  const staging = await openStaging(':memory:');
  try {
    const rows = await staging.rows<{ id: string }>(
      `SELECT DISTINCT author_id AS id FROM read_csv($file, header = true, all_varchar = true, ignore_errors = true) WHERE lower(inbound) = 'true' LIMIT ${limit}`,
      { file },
    );
    return rows.map((row) => row.id);
  } finally {
    staging.close();
  }
}

/** Starts `riverline serve` in its own process and load-tests POST /predict_nba from this one with autocannon. */
async function measureServe(home: string, ids: string[]): Promise<ServeMeasured> {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'serve', '--home', home, '--port', '0'], {
    env: { ...process.env, CI: 'true', RIVERLINE_RATE_LIMIT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr.slice(-500)}`)));
  });
  const startup = (Date.now() - started) / 1000;
  let next = 0;
  const result = await autocannon({
    url: address,
    connections: 16,
    duration: 10,
    requests: [
      {
        method: 'POST',
        path: '/predict_nba',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ customer_id: ids[next++ % ids.length] }) }),
      },
    ],
  });
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
  return {
    requests_per_second: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    total: result.requests.total,
    startup_seconds: startup,
  };
}

async function withDatabase<T>(work: (url: string) => T): Promise<T> {
  const name = `riverline_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    return work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

function seedPandas(file: string): { seconds: number; line: string } | { skipped: string } {
  if (!fs.existsSync(SEED_SCRIPT)) return { skipped: `${SEED_SCRIPT} not found` };
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const probe = spawnSync(python, ['-c', 'import pandas'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: 'python3 with pandas is not installed (Debian: apt-get install python3-pandas)' };
  const run = spawnSync(python, [SEED_SCRIPT, file], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) return { skipped: `the seed script failed: ${run.stderr.slice(-300)}` };
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  const total = /total=([\d.]+)s/.exec(line);
  return total ? { seconds: Number(total[1]), line } : { skipped: `unexpected seed output: ${line}` };
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rate = (m: Measured) => Math.round(m.rows_read / m.wall_seconds).toLocaleString('en-US');

async function main(): Promise<void> {
  const dataDir = path.join(ROOT, 'bench', 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, `twcs_generated_${ROWS}.csv`);
  if (!fs.existsSync(file)) {
    log(`generating ${ROWS.toLocaleString('en-US')} rows into ${file}`);
    generateTwcs({ rows: ROWS, out: file, seed: 42 });
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-bench-'));
  try {
    log('ingest into embedded ClickHouse (fresh)');
    const chFirst = measureIngest(file, 'chdb', path.join(work, 'ch'));
    log(`  ${fmt(chFirst.wall_seconds)} s, peak RSS ${mb(chFirst.peak_rss_bytes)}`);
    log('ingest into embedded ClickHouse (same file again: nothing new)');
    const chAgain = measureIngest(file, 'chdb', path.join(work, 'ch'));
    log(`  ${fmt(chAgain.wall_seconds)} s`);

    log('process on embedded ClickHouse, DuckDB engine');
    const chDuck = measureProcess('chdb', path.join(work, 'ch'), 'duckdb');
    log(`  ${fmt(chDuck.wall_seconds)} s, peak RSS ${mb(chDuck.peak_rss_bytes)}, ${chDuck.conversations} conversations`);
    log('process on embedded ClickHouse, ClickHouse engine');
    const chClick = measureProcess('chdb', path.join(work, 'ch'), 'clickhouse');
    log(`  ${fmt(chClick.wall_seconds)} s, peak RSS ${mb(chClick.peak_rss_bytes)}`);

    log('predict (rules only) on embedded ClickHouse');
    const chPredict = measurePredict('chdb', path.join(work, 'ch'), path.join(work, 'nba_predictions.csv'));
    log(`  ${fmt(chPredict.wall_seconds)} s, peak RSS ${mb(chPredict.peak_rss_bytes)}, ${chPredict.predictions} predictions`);

    log('serve: POST /predict_nba under load (autocannon, 16 connections, 10 s, rules only)');
    const served = await measureServe(path.join(work, 'ch'), await customerIds(file, 5000));
    log(`  ${served.requests_per_second} requests/s, p50 ${served.p50_ms} ms, p99 ${served.p99_ms} ms, ${served.non_2xx} non-2xx of ${served.total}`);

    // After predict and serve, which measure the rules alone: with a model in the store they would read it.
    log('train on embedded ClickHouse, DuckDB engine');
    const chTrain = measureTrain('chdb', path.join(work, 'ch'), 'duckdb');
    log(`  ${fmt(chTrain.wall_seconds)} s, peak RSS ${mb(chTrain.peak_rss_bytes)}, ${chTrain.training_rows} brand replies`);

    log('predict --policy learned on embedded ClickHouse (the model train just made)');
    const chLearned = measurePredictLearned('chdb', path.join(work, 'ch'), path.join(work, 'nba_predictions_learned.csv'));
    log(`  ${fmt(chLearned.wall_seconds)} s, peak RSS ${mb(chLearned.peak_rss_bytes)}, ${chLearned.predictions} predictions`);

    log('ingest into PostgreSQL (fresh database)');
    const [pgFirst, pgAgain, pgDuck] = await withDatabase((url) => {
      const first = measureIngest(file, 'postgres', path.join(work, 'pg'), { DATABASE_URL: url });
      log(`  ${fmt(first.wall_seconds)} s, peak RSS ${mb(first.peak_rss_bytes)}`);
      const again = measureIngest(file, 'postgres', path.join(work, 'pg'), { DATABASE_URL: url });
      log(`  again: ${fmt(again.wall_seconds)} s`);
      log('process on PostgreSQL, DuckDB engine');
      const processed = measureProcess('postgres', path.join(work, 'pg'), 'duckdb', { DATABASE_URL: url });
      log(`  ${fmt(processed.wall_seconds)} s`);
      return [first, again, processed] as const;
    });

    log("the seed's pandas path on the same file");
    const seed = seedPandas(file);
    if ('seconds' in seed) log(`  ${seed.line}`);
    else log(`  skipped: ${seed.skipped}`);

    const date = new Date().toISOString().slice(0, 10);
    const commit = (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })();
    const ratio = (m: Measured) => ('seconds' in seed ? `${fmt(seed.seconds / m.wall_seconds)}x faster than the seed's read/normalize/clean` : 'n/a');
    const lines = [
      '# Benchmark results',
      '',
      `Measured ${date} at commit ${commit} by \`npm run bench\` on ${machine()}.`,
      `Input: \`riverline generate --rows ${ROWS} --seed 42\` (${mb(fs.statSync(file).size)}). Each run is a fresh process; wall time covers the whole ingest (connect, read, checks, normalize, load, quarantine, run record).`,
      'Wall times on this shared 2-core machine vary between runs of the same commit (by up to a third on the day these were taken); compare figures from one run, not across runs.',
      '',
      '## Ingest',
      '',
      '| target | run | wall | rows/s | peak RSS | loaded | already present | target (issue 2) | vs seed |',
      '|---|---|---|---|---|---|---|---|---|',
      `| embedded ClickHouse (chDB) | fresh | ${fmt(chFirst.wall_seconds)} s | ${rate(chFirst)} | ${mb(chFirst.peak_rss_bytes)} | ${chFirst.rows_loaded.toLocaleString('en-US')} | ${chFirst.rows_already_present} | <= 15 s, <= 2.5 GB | ${ratio(chFirst)} |`,
      `| embedded ClickHouse (chDB) | same file again | ${fmt(chAgain.wall_seconds)} s | ${rate(chAgain)} | ${mb(chAgain.peak_rss_bytes)} | ${chAgain.rows_loaded} | ${chAgain.rows_already_present.toLocaleString('en-US')} | | |`,
      `| PostgreSQL ${PG_URL.includes('127.0.0.1') || PG_URL.includes('localhost') ? '(local server)' : ''} | fresh | ${fmt(pgFirst.wall_seconds)} s | ${rate(pgFirst)} | ${mb(pgFirst.peak_rss_bytes)} | ${pgFirst.rows_loaded.toLocaleString('en-US')} | ${pgFirst.rows_already_present} | <= 30 s | ${ratio(pgFirst)} |`,
      `| PostgreSQL | same file again | ${fmt(pgAgain.wall_seconds)} s | ${rate(pgAgain)} | ${mb(pgAgain.peak_rss_bytes)} | ${pgAgain.rows_loaded} | ${pgAgain.rows_already_present.toLocaleString('en-US')} | | |`,
      '',
      '## Process (conversations, features, profiles)',
      '',
      '| target | engine | wall | peak RSS | conversations | customers | target (issue 3) |',
      '|---|---|---|---|---|---|---|',
      `| embedded ClickHouse | duckdb | ${fmt(chDuck.wall_seconds)} s | ${mb(chDuck.peak_rss_bytes)} | ${chDuck.conversations.toLocaleString('en-US')} | ${chDuck.customers.toLocaleString('en-US')} | <= 15 s |`,
      `| embedded ClickHouse | clickhouse | ${fmt(chClick.wall_seconds)} s | ${mb(chClick.peak_rss_bytes)} | ${chClick.conversations.toLocaleString('en-US')} | ${chClick.customers.toLocaleString('en-US')} | (recorded) |`,
      `| PostgreSQL | duckdb | ${fmt(pgDuck.wall_seconds)} s | ${mb(pgDuck.peak_rss_bytes)} | ${pgDuck.conversations.toLocaleString('en-US')} | ${pgDuck.customers.toLocaleString('en-US')} | |`,
      '',
      "The seed's process step (a pandas group-by with a Python loop per customer) had placeholder features and is not runnable here, so it has no figure.",
      '',
      '## Predict (no LLM)',
      '',
      '| target | policy | wall | peak RSS | predictions | skipped (resolved) | target (issues 4, 12) |',
      '|---|---|---|---|---|---|---|',
      `| embedded ClickHouse | rules | ${fmt(chPredict.wall_seconds)} s | ${mb(chPredict.peak_rss_bytes)} | ${chPredict.predictions.toLocaleString('en-US')} | ${chPredict.skipped_resolved.toLocaleString('en-US')} | <= 20 s |`,
      `| embedded ClickHouse | learned (the model train made) | ${fmt(chLearned.wall_seconds)} s | ${mb(chLearned.peak_rss_bytes)} | ${chLearned.predictions.toLocaleString('en-US')} | ${chLearned.skipped_resolved.toLocaleString('en-US')} | <= 20 s |`,
      '',
      '## Train (decision samples and both count tables)',
      '',
      '| target | engine | wall | peak RSS | brand replies | features (propensity) | target (issue 12) |',
      '|---|---|---|---|---|---|---|',
      `| embedded ClickHouse | duckdb | ${fmt(chTrain.wall_seconds)} s | ${mb(chTrain.peak_rss_bytes)} | ${chTrain.training_rows.toLocaleString('en-US')} | ${(chTrain.metrics.propensity_features ?? 0).toLocaleString('en-US')} | <= 60 s, <= 2.5 GB |`,
      '',
      '## Serve (POST /predict_nba, rules only)',
      '',
      '| store | requests/s | p50 | p99 | non-2xx | startup (load customers) | target (issue 5) |',
      '|---|---|---|---|---|---|---|',
      `| embedded ClickHouse | ${served.requests_per_second.toLocaleString('en-US')} | ${served.p50_ms} ms | ${served.p99_ms} ms | ${served.non_2xx} of ${served.total.toLocaleString('en-US')} | ${fmt(served.startup_seconds)} s | >= 1,000 requests/s, p99 <= 25 ms |`,
      '',
      'autocannon runs in the benchmark process and the server in its own, on the same 2 cores; customer ids are 5,000 real ones from the file.',
      '',
      "## The seed's pandas path (reference)",
      '',
      'seconds' in seed
        ? `\`seed_pandas_engine.py\` on the same file (read, normalize, clean, to records; it loads nothing): \`${seed.line}\``
        : `Not measured: ${seed.skipped}.`,
      '',
    ];
    fs.writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), `${lines.join('\n')}\n`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
