// The ingest job: inspect the CSV, stage it in DuckDB, load valid rows into the target in keyed,
// idempotent batches, quarantine the rest, and record the run. Correctness rests on the keys
// (platform_type, external_id); the watermark only lets new rows skip the key check.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describeTarget, type Config, type EncodingChoice } from '../config/index.js';
import { redactSecrets } from '../config/redact.js';
import { messageOf } from '../errors.js';
import { StageTracker } from '../progress/stage-tracker.js';
import type { RejectReason } from '../quality/reasons.js';
import { openStaging } from '../staging/duckdb.js';
import { inspectSourceFile } from '../staging/source-file.js';
import { stageFile, type BatchFile, type StagedFile } from '../staging/stage.js';
import { formatRows } from '../progress/plain.js';
import { createStore, prepareStore, type CreateStoreOptions, type InteractionStats, type PipelineRun, type Store } from '../stores/index.js';

export const INGEST_PIPELINE = 'ingest';

export const INGEST_STAGES = [
  { id: 'connect', label: 'Connect' },
  { id: 'read', label: 'Read CSV' },
  { id: 'quality', label: 'Quality checks' },
  { id: 'load', label: 'Normalize+load' },
  { id: 'quarantine', label: 'Quarantine' },
];

export interface IngestOptions {
  file: string;
  encoding?: EncodingChoice;
  platform?: string;
  /** The plausible time window (--not-before / --not-after); outside it a timestamp is quarantined. */
  notBefore?: Date;
  notAfter?: Date;
  tracker?: StageTracker;
  store?: CreateStoreOptions;
}

export interface IngestResult {
  run_id: string;
  target: string;
  target_description: string;
  source_file: string;
  encoding: string;
  /** fast: DuckDB read the file as it is; tolerant: the forgiving reader made a clean copy first (see reader_reasons). */
  reader: 'fast' | 'tolerant';
  reader_reasons: string[];
  windows_1252_records: number;
  nul_records_cleaned: number;
  timestamp_window: { not_before: string; not_after: string };
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  rows_already_present: number;
  rejected_by_reason: Record<RejectReason, number>;
  batches: number;
  newest_interaction: string | null;
  seconds: number;
}

export async function ingest(config: Config, options: IngestOptions): Promise<IngestResult> {
  const started = Date.now();
  const tracker = options.tracker ?? new StageTracker(INGEST_STAGES);
  const platform = options.platform ?? 'twitter';
  const source = inspectSourceFile(path.resolve(options.file), options.encoding);

  tracker.start('connect');
  const store = createStore(config, options.store);
  let run: PipelineRun | null = null;
  const runId = randomUUID();
  const batchDir = path.join(config.home, 'staging', 'batches');
  try {
    await prepareStore(store);
    tracker.done('connect', describeTarget(config.target));

    run = {
      run_id: runId,
      pipeline: INGEST_PIPELINE,
      target: store.name,
      source_file: source.path,
      status: 'running',
      started_at: new Date(started),
      finished_at: null,
      rows_read: 0,
      rows_loaded: 0,
      rows_rejected: 0,
      rows_already_present: 0,
      rejected_by_reason: {},
      error: null,
    };
    await store.saveRun(run);

    const staging = await openStaging(config.stagingPath);
    let loaded = 0;
    let staged: StagedFile;
    let before: InteractionStats;
    try {
      // The last run's batch files back the staging views; this run replaces them.
      fs.rmSync(batchDir, { recursive: true, force: true });
      staged = await stageFile(staging, source, {
        runId,
        platform,
        batchSize: config.batchSize,
        format: store.batchFormat,
        batchDir,
        notBefore: options.notBefore,
        notAfter: options.notAfter,
        onStep: (step, rows) => {
          // The checks start once reading is done, with the rows read.
          if (step === 'quality' && rows !== undefined) tracker.update('read', rows);
          tracker.start(step);
          if (rows !== undefined) tracker.update(step, rows);
        },
      });
      tracker.done('quality', staged.rowsRejected > 0 ? `${formatRows(staged.rowsRejected)} rejected` : 'all rows pass');

      tracker.start('load', staged.rowsValid);
      before = await store.interactionStats(platform);
      const newestLoaded = before.newest;
      try {
        loaded = await loadOverlapped(
          staged,
          store.loadConcurrency,
          (batch) => store.loadInteractions(batch, { runId, platform, newestLoaded }),
          (rows, batches) => tracker.update('load', rows, `batch ${batches} of ${staged.batchCount}`),
        );
      } finally {
        await store.endLoad(runId);
      }
    } finally {
      staging.close();
    }
    const alreadyPresent = staged.rowsValid - loaded;
    tracker.done('load', alreadyPresent > 0 ? `${formatRows(alreadyPresent)} already present` : undefined);

    if (staged.rejectsFile) {
      tracker.start('quarantine', staged.rowsRejected);
      await store.quarantine(staged.rejectsFile);
      tracker.update('quarantine', staged.rowsRejected);
      tracker.done('quarantine');
    } else tracker.skip('quarantine', 'no rejected rows');

    // Derived from what was there before plus this run, so no scan of the target is needed.
    const newest = [before.newest, staged.newestTimestamp].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
    if (newest) {
      await store.saveWatermark({
        pipeline: INGEST_PIPELINE,
        platform_type: platform,
        last_interaction_timestamp: newest,
        last_run_id: runId,
        rows_total: before.count + loaded,
      });
    }

    Object.assign(run, {
      status: 'succeeded',
      finished_at: new Date(),
      rows_read: staged.rowsRead,
      rows_loaded: loaded,
      rows_rejected: staged.rowsRejected,
      rows_already_present: alreadyPresent,
      rejected_by_reason: staged.rejectedByReason,
    });
    await store.saveRun(run);
    tracker.finish();

    return {
      run_id: runId,
      target: store.name,
      target_description: describeTarget(config.target),
      source_file: source.path,
      encoding: source.forcedEncoding ?? (staged.reader.windows1252Records > 0 ? 'utf-8, with windows-1252 records' : 'utf-8'),
      reader: staged.reader.mode,
      reader_reasons: staged.reader.reasons,
      windows_1252_records: staged.reader.windows1252Records,
      nul_records_cleaned: staged.reader.nulRecords,
      timestamp_window: { not_before: staged.timestampWindow.notBefore.toISOString(), not_after: staged.timestampWindow.notAfter.toISOString() },
      rows_read: staged.rowsRead,
      rows_loaded: loaded,
      rows_rejected: staged.rowsRejected,
      rows_already_present: alreadyPresent,
      rejected_by_reason: staged.rejectedByReason,
      batches: staged.batchCount,
      newest_interaction: newest ? newest.toISOString() : null,
      seconds: Number(((Date.now() - started) / 1000).toFixed(3)),
    };
  } catch (error) {
    tracker.fail(messageOf(error));
    if (run) await recordFailure(store, run, error, config.secrets);
    throw error;
  } finally {
    await store.close().catch(() => {});
  }
}

async function recordFailure(store: Store, run: PipelineRun, error: unknown, secrets: string[]): Promise<void> {
  const failed: PipelineRun = { ...run, status: 'failed', finished_at: new Date(), error: redactSecrets(messageOf(error), secrets) };
  // The store may be the thing that failed; the original error matters more than this record.
  await store.saveRun(failed).catch(() => {});
}

/**
 * Writes batches with DuckDB while the target loads earlier ones (up to `concurrency` at once), so the engines
 * overlap. Returns the rows the target inserted.
 */
async function loadOverlapped(
  staged: StagedFile,
  concurrency: number,
  load: (batch: BatchFile) => Promise<number>,
  onBatch: (loadedSoFar: number, batchesDone: number) => void,
): Promise<number> {
  let loaded = 0;
  let done = 0;
  const inFlight = new Set<Promise<void>>();
  for (let index = 0; index < staged.batchCount; index++) {
    const batch = await staged.writeBatch(index);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const loading: Promise<void> = load(batch).then((inserted) => {
      loaded += inserted;
      done += 1;
      onBatch(loaded, done);
      inFlight.delete(loading);
    });
    // Handled here so a failure waits for the next await instead of crashing the process.
    loading.catch(() => {});
    inFlight.add(loading);
  }
  await Promise.all(inFlight);
  return loaded;
}
