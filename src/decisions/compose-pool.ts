// Worker threads for batch predict's compose step. Composing is pure per row (compose-row.ts) and the staging
// database waits meanwhile, so the decided rows go to a Parquet file and each worker composes a range of them
// (compose-share.ts): the cores do the work in parallel and this thread only waits. Running from the TypeScript
// sources (the tests), there is no compiled worker file and predict composes the one share in its own thread, with the
// same result.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LearnedModel } from './model.js';
import type { Layer, Policy } from './policy.js';
import type { RuleSet } from './rules.schema.js';
import { composeShare, type ComposeShareReport, type ComposeShareSetup, type CsvShare } from './compose-share.js';

const WORKER_FILE = new URL('./compose-worker.js', import.meta.url);

/**
 * Each worker's young generation: a worker allocates a few KB per row and keeps almost none of it, so a larger nursery
 * means fewer scavenges. On the 2.8M-row file's 606k rows, compose took 9.5-9.7 s against 10.5-11.0 s with V8's
 * default, peak RSS unchanged. With the learned policy's larger receipts, 256 MB against 64 MB, alternating (an Intel
 * Xeon phase, the seed 56.8 s): compose 18.5, 17.7, 16.6 and 17.6 s against 21.0, 19.8, 18.3 and 17.8 s; 128 MB 16.8
 * to 18.5 s; 512 MB no faster. Peak RSS 1.99-2.09 GB against 1.93-2.03 GB.
 */
const YOUNG_GENERATION_MB = 256;

/** Whether worker threads can compose here: a compiled worker file and more than one core. */
function composeWorkersAvailable(): boolean {
  return os.availableParallelism() > 1 && WORKER_FILE.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_FILE));
}

export interface ComposedFiles {
  /** The actions, one file of JSON lines per share (none when the shares wrote the CSV). */
  files: string[];
  predictions: number;
  byLayer: Partial<Record<Layer, number>>;
  byChannel: Record<string, number>;
}

export interface ComposeSetup {
  rules: RuleSet;
  model: LearnedModel | null;
  policy: Policy;
  asOf: Date;
  /** The decided rows (Parquet) and how many there are. */
  input: string;
  rows: number;
  dir: string;
  /** Write the user's CSV rather than actions: each share its lines, in the input's order, after the header `file` holds already. */
  csv?: Omit<CsvShare, 'append'>;
}

/** Composes the decided rows in shares of consecutive rows: in worker threads where there are, else in this thread. */
export async function composeShares(setup: ComposeSetup): Promise<ComposedFiles> {
  const parts = composeWorkersAvailable() ? Math.min(os.availableParallelism(), 4) : 1;
  const shares: ComposeShareSetup[] = Array.from({ length: parts }, (_, part) => ({
    rules: setup.rules,
    model: setup.model,
    policy: setup.policy,
    asOfMs: setup.asOf.getTime(),
    input: setup.input,
    from: Math.floor((part * setup.rows) / parts),
    to: Math.floor(((part + 1) * setup.rows) / parts),
    // The first share writes its lines after the header; the others to files of their own, appended in order at the end.
    output: setup.csv
      ? { csv: { ...setup.csv, file: part === 0 ? setup.csv.file : path.join(setup.dir, `predictions_${part}.csv`), append: part === 0 } }
      : { actions: path.join(setup.dir, `actions_${part}.ndjson`) },
  }));
  const reports = parts === 1 ? [await composeShare(shares[0])] : await inWorkers(shares);
  const files: string[] = [];
  for (const { output } of shares) {
    if ('actions' in output) files.push(output.actions);
    else if (!output.csv.append) appendFile(setup.csv!.file, output.csv.file);
  }
  const byLayer: Partial<Record<Layer, number>> = {};
  const byChannel: Record<string, number> = {};
  for (const report of reports) {
    for (const [layer, n] of Object.entries(report.layers)) byLayer[layer as Layer] = (byLayer[layer as Layer] ?? 0) + n;
    for (const [channel, n] of Object.entries(report.channels)) byChannel[channel] = (byChannel[channel] ?? 0) + n;
  }
  return { files, predictions: reports.reduce((sum, report) => sum + report.rows, 0), byLayer, byChannel };
}

async function inWorkers(shares: ComposeShareSetup[]): Promise<ComposeShareReport[]> {
  const workers = shares.map((share) => new Worker(WORKER_FILE, { workerData: share, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }));
  try {
    return await Promise.all(
      workers.map(async (worker) => {
        const [report] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([error]) => Promise.reject(error))])) as [ComposeShareReport];
        return report;
      }),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** Appends `part` to `file`, then removes it. */
function appendFile(file: string, part: string): void {
  const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  const into = fs.openSync(file, 'a');
  const from = fs.openSync(part, 'r');
  try {
    for (let n = fs.readSync(from, buffer); n > 0; n = fs.readSync(from, buffer)) {
      let written = 0;
      while (written < n) written += fs.writeSync(into, buffer, written, n - written);
    }
  } finally {
    fs.closeSync(from);
    fs.closeSync(into);
  }
  fs.rmSync(part, { force: true });
}
