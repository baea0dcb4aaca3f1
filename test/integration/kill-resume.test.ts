// A run killed with SIGKILL part-way through loading, then run again, ends with every valid row present exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTwcs } from '../../src/generate/twcs.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { runCli, startCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-kill-'));
const file = path.join(dir, 'threads.csv');
const ROWS = 100_000;
const MALFORMED = 20;
const VALID = ROWS - MALFORMED;
let db: TestDatabase;

beforeAll(async () => {
  generateTwcs({ rows: ROWS, out: file, seed: 5, malformed: MALFORMED });
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts an ingest and SIGKILLs it as soon as `ready` says some batches are in. */
function killMidway(args: string[], env: Record<string, string>, ready: (stderr: string) => Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, env);
    let stderr = '';
    let killed = false;
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const timer = setInterval(async () => {
      if (killed) return;
      if (await ready(stderr).catch(() => false)) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 10);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the run ended before it could be killed (exit ${code}): ${stderr.slice(-500)}`));
    });
  });
}

describe('kill -9 and re-run', () => {
  it('PostgreSQL: the re-run completes the load with no row missing or doubled', async () => {
    const env = { DATABASE_URL: db.url };
    const args = ['ingest', file, '--db', 'postgres', '--batch-size', '1000', '--home', path.join(dir, 'pg')];
    const count = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM interactions').catch(() => [{ n: '0' }]))[0].n);
    await killMidway(args, env, async () => (await count()) > 0);
    const partial = await count();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(VALID);

    const rerun = await runCli([...args, '--json'], env);
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary.rows_loaded + summary.rows_already_present).toBe(VALID);
    expect(summary.rows_already_present).toBe(partial);
    const [{ n, ids }] = await db.query<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT external_id) AS ids FROM interactions');
    expect([Number(n), Number(ids)]).toEqual([VALID, VALID]);
    const runs = await db.query<{ status: string }>('SELECT status FROM pipeline_runs ORDER BY started_at');
    expect(runs.map((run) => run.status)).toEqual(['running', 'succeeded']);
  });

  it('embedded ClickHouse: the re-run completes the load with no row missing or doubled', async () => {
    const home = path.join(dir, 'ch');
    const args = ['ingest', file, '--batch-size', '2000', '--home', home];
    // Plain progress prints a stage once it ends, so readiness is read off the batch files: batches are written in
    // order and loaded right behind, so by the ninth file some batches are in.
    await killMidway(args, {}, async () => fs.existsSync(path.join(home, 'ingest', 'batch_00008.parquet')));
    const rerun = await runCli([...args, '--json']);
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary.rows_already_present).toBeGreaterThan(0);
    expect(summary.rows_loaded).toBeGreaterThan(0);
    expect(summary.rows_loaded + summary.rows_already_present).toBe(VALID);
    const [{ n, ids }] = await queryEmbedded<{ n: string; ids: string }>(path.join(home, 'clickhouse'), 'SELECT count() AS n, uniqExact(external_id) AS ids FROM interactions');
    expect([Number(n), Number(ids)]).toEqual([VALID, VALID]);
  });
});
