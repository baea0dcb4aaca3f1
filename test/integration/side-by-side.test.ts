// The embedded ClickHouse allows one process per folder. serve lets go of it after loading, so the other commands run
// beside it; a command that finds the store held waits for up to --wait seconds, then names the process that holds it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-side-'));
const home = path.join(dir, 'home');
const dataPath = path.join(home, 'clickhouse');
const children: ChildProcess[] = [];

beforeAll(async () => {
  const ingested = await runCli(['ingest', path.join(ROOT, 'examples', 'twcs_sample.csv'), '--home', home]);
  expect(ingested.code, ingested.stderr).toBe(0);
  const processed = await runCli(['process', '--home', home]);
  expect(processed.code, processed.stderr).toBe(0);
});
afterEach(async () => {
  for (const child of children.splice(0)) await stop(child);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Resolves with the first match of `pattern` in what the child writes to `stream`; rejects if it exits first. */
function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk;
      const match = pattern.exec(text);
      if (match) {
        child[stream]?.off('data', onData);
        resolve(match);
      }
    };
    child[stream]?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${text.slice(-1000)}`)));
  });
}

async function startServe(): Promise<{ child: ChildProcess; address: string }> {
  const child = startCli(['serve', '--home', home, '--port', '0']);
  children.push(child);
  const [, address] = await waitFor(child, 'stderr', /listening on (http:\/\/\S+)/);
  return { child, address };
}

/** /ready's body once it answers 200 with a load newer than `after`. */
async function ready(address: string, after: string | null = null): Promise<{ customers: number; loaded_at: string }> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${address}/ready`);
    const body = await response.json();
    if (response.status === 200 && body.loaded_at !== after) return body;
    last = JSON.stringify(body);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`serve was not ready with a new load within 60 s; last answer: ${last}`);
}

/** Another process that opens the embedded store and holds it until SIGTERM. */
async function holdStore(): Promise<ChildProcess> {
  const script = path.join(dir, 'hold-store.cjs');
  fs.writeFileSync(
    script,
    [
      "const { createRequire } = require('node:module');",
      "const { createChdbConnection } = createRequire(require('node:path').join(process.argv[3], 'package.json'))('chdb/connection');",
      'const connection = createChdbConnection({ path: process.argv[2] });',
      "process.stdout.write('held\\n');",
      'const keepAlive = setInterval(() => {}, 1000);',
      "process.on('SIGTERM', async () => { clearInterval(keepAlive); await connection.close(); process.exit(0); });",
    ].join('\n'),
  );
  const child = spawn(process.execPath, [script, dataPath, ROOT], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  await waitFor(child, 'stdout', /held/);
  return child;
}

describe('serve beside the other commands on the embedded store', () => {
  it('runs predict, explore --query and review --export while serve runs, and serve reloads on SIGHUP', async () => {
    const { child: server, address } = await startServe();
    const first = await ready(address);
    expect(first.customers).toBeGreaterThan(0);

    const out = path.join(dir, 'predictions.csv');
    const predicted = await runCli(['predict', '--home', home, '--out', out, '--llm', 'off', '--json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const predictions = JSON.parse(predicted.stdout).predictions as number;
    expect(predictions).toBeGreaterThan(0);

    const explored = await runCli(['explore', '--home', home, '--query', 'SELECT count(*) AS n FROM nba_predictions', '--format', 'csv']);
    expect(explored.code, explored.stderr).toBe(0);
    expect(explored.stdout.trim().split('\n')).toEqual(['n', String(predictions)]);

    const approved = path.join(dir, 'approved.csv');
    const exported = await runCli(['review', '--home', home, '--export', approved, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual({ exported: 0, incomplete: 0, out: approved });
    expect(fs.readFileSync(approved, 'utf8').split('\n')[0]).toBe('customer_id,conversation_id,brand,channel,message,send_time,issue_status,rule_id,decision');

    // SIGHUP opens the store again, reads, and lets go: serve answers with the new load and the store is free at once.
    server.kill('SIGHUP');
    const reloaded = await ready(address, first.loaded_at);
    expect(reloaded.customers).toBe(first.customers);
    const answer = await fetch(`${address}/predict_nba`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customer_id: '115712' }) });
    expect(answer.status).toBe(200);
    expect((await answer.json()).customer_id).toBe('115712');
    const free = await runCli(['explore', '--home', home, '--query', 'SELECT 1 AS one', '--format', 'csv', '--wait', '0']);
    expect(free.code, free.stderr).toBe(0);
    expect(free.stderr).not.toMatch(/Waiting for the embedded store/);
  });

  it('keeps answering from memory while another process holds the store', async () => {
    const { address } = await startServe();
    await ready(address);
    await holdStore();
    const customer = await fetch(`${address}/customers/115712`);
    expect(customer.status).toBe(200);
    expect((await customer.json()).customer_id).toBe('115712');
    expect((await fetch(`${address}/ready`)).status).toBe(200);
  });
});

describe('a command that finds the embedded store held', () => {
  it('waits for --wait seconds, saying so, then fails with one sentence naming the holder', async () => {
    const holder = await holdStore();
    const started = Date.now();
    const result = await runCli(['explore', '--home', home, '--query', 'SELECT 1', '--wait', '2']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Waiting for the embedded store \\(held by \\S+ \\S+hold-store\\.cjs .* pid ${holder.pid}\\)…`));
    expect(result.stderr).toMatch(new RegExp(`Error: The embedded store at ${dataPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is held by process ${holder.pid} \\(.*hold-store\\.cjs.*\\), which did not let go of it within 2 s\\.`));
    expect(result.stderr).not.toMatch(/Cannot lock file/);

    const json = await runCli(['predict', '--home', home, '--llm', 'off', '--out', path.join(dir, 'never.csv'), '--wait', '1', '--json']);
    expect(json.code).toBe(1);
    expect(json.stdout).not.toMatch(/Waiting/);
    const { error } = JSON.parse(json.stdout);
    expect(error).toMatchObject({ code: 'store_busy', data: { pid: holder.pid, data_path: dataPath, waited_seconds: 1 } });
    expect(error.data.command).toMatch(/hold-store\.cjs/);
    expect(fs.existsSync(path.join(dir, 'never.csv'))).toBe(false);
  });

  it('goes on as soon as the holder lets go', async () => {
    const holder = await holdStore();
    const waiting = startCli(['explore', '--home', home, '--query', 'SELECT count(*) AS n FROM conversations', '--format', 'csv', '--wait', '60']);
    children.push(waiting);
    let stdout = '';
    waiting.stdout?.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => waiting.once('exit', resolve));
    await waitFor(waiting, 'stderr', /Waiting for the embedded store/);
    await stop(holder);
    expect(await exited).toBe(0);
    expect(stdout.trim().split('\n')[0]).toBe('n');
    expect(Number(stdout.trim().split('\n')[1])).toBeGreaterThan(0);
  });
});
