// The ingest job: inspect the CSV, stage it in DuckDB, load valid rows into the target in keyed,
// idempotent batches, quarantine the rest, and record the run. Correctness rests on the keys
// (platform_type, external_id); the watermark only lets new rows skip the key check.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describeTarget, type Config, type EncodingChoice } from '../config/index.js';
import { redactSecrets } from '../config/redact.js';
import { messageOf } from '../errors.js';
import { runJob, type Job } from '../jobs/run-job.js';
import type { StageTracker } from '../progress/stage-tracker.js';
import type { RejectReason } from '../quality/reasons.js';
import { openStaging, type Staging } from '../staging/duckdb.js';
import { inspectSourceFile, type SourceFile } from '../staging/source-file.js';
import { stageFile, type BatchFile, type StagedFile } from '../staging/stage.js';
import { formatRows } from '../progress/plain.js';
import type { CreateStoreOptions, InteractionStats, PipelineRun, Store } from '../stores/index.js';

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
  const source = inspectSourceFile(path.resolve(options.file), options.encoding);
  const context: RunContext = { runId: randomUUID(), platform: options.platform ?? 'twitter', notBefore: options.notBefore, notAfter: options.notAfter };
  return runJob(config, { name: INGEST_PIPELINE, stages: INGEST_STAGES, tracker: options.tracker, store: options.store }, async (job) => {
    job.tracker.done('connect', describeTarget(config.target));
    const run = await startRun(job, context, source);
    try {
      const loaded = await stageAndLoad(config, job, context, source);
      await quarantineRejects(job, loaded.staged);
      const newest = await saveWatermark(job.store, context, loaded);
      await finishRun(job.store, run, loaded);
      return summarize(config, job.store, context, source, loaded, newest);
    } catch (error) {
      await recordFailure(job.store, run, error, config.secrets);
      throw error;
    }
  });
}

interface RunContext {
  runId: string;
  platform: string;
  notBefore?: Date;
  notAfter?: Date;
}

/** What staging and loading found: the staged file, the target before this run, and the rows it inserted. */
interface Loaded {
  staged: StagedFile;
  before: InteractionStats;
  loaded: number;
  alreadyPresent: number;
}

async function startRun(job: Job, context: RunContext, source: SourceFile): Promise<PipelineRun> {
  const run: PipelineRun = {
    run_id: context.runId,
    pipeline: INGEST_PIPELINE,
    target: job.store.name,
    source_file: source.path,
    status: 'running',
    started_at: job.started,
    finished_at: null,
    rows_read: 0,
    rows_loaded: 0,
    rows_rejected: 0,
    rows_already_present: 0,
    rejected_by_reason: {},
    error: null,
  };
  await job.store.saveRun(run);
  return run;
}

/** Reads and checks the file in DuckDB, then loads the valid rows into the target batch by batch. */
async function stageAndLoad(config: Config, job: Job, context: RunContext, source: SourceFile): Promise<Loaded> {
  const staging = await openStaging(config.stagingPath);
  let staged: StagedFile;
  let loads: { before: InteractionStats; loaded: number };
  try {
    staged = await stageSource(config, job, context, staging, source);
    loads = await loadStaged(job, context, staged);
  } finally {
    staging.close();
  }
  const alreadyPresent = staged.rowsValid - loads.loaded;
  job.tracker.done('load', alreadyPresent > 0 ? `${formatRows(alreadyPresent)} already present` : undefined);
  return { staged, ...loads, alreadyPresent };
}

async function stageSource(config: Config, job: Job, context: RunContext, staging: Staging, source: SourceFile): Promise<StagedFile> {
  const { tracker } = job;
  const staged = await stageFile(staging, source, {
    runId: context.runId,
    platform: context.platform,
    batchSize: config.batchSize,
    format: job.store.batchFormat,
    batchDir: job.workDir,
    notBefore: context.notBefore,
    notAfter: context.notAfter,
    onStep: (step, rows) => {
      // The checks start once reading is done, with the rows read.
      if (step === 'quality' && rows !== undefined) tracker.update('read', rows);
      tracker.start(step);
      if (rows !== undefined) tracker.update(step, rows);
    },
  });
  tracker.done('quality', staged.rowsRejected > 0 ? `${formatRows(staged.rowsRejected)} rejected` : 'all rows pass');
  return staged;
}

async function loadStaged(job: Job, context: RunContext, staged: StagedFile): Promise<{ before: InteractionStats; loaded: number }> {
  const { store, tracker } = job;
  const { runId, platform } = context;
  tracker.start('load', staged.rowsValid);
  const before = await store.interactionStats(platform);
  const newestLoaded = before.newest;
  try {
    const loaded = await loadOverlapped(
      staged,
      store.loadConcurrency,
      (batch) => store.loadInteractions(batch, { runId, platform, newestLoaded }),
      (rows, batches) => tracker.update('load', rows, `batch ${batches} of ${staged.batchCount}`),
    );
    return { before, loaded };
  } finally {
    await store.endLoad(runId);
  }
}

async function quarantineRejects(job: Job, staged: StagedFile): Promise<void> {
  const { store, tracker } = job;
  if (!staged.rejectsFile) {
    tracker.skip('quarantine', 'no rejected rows');
    return;
  }
  tracker.start('quarantine', staged.rowsRejected);
  await store.quarantine(staged.rejectsFile);
  tracker.update('quarantine', staged.rowsRejected);
  tracker.done('quarantine');
}

/** Records the newest loaded time and the row count; returns that newest time. */
async function saveWatermark(store: Store, context: RunContext, { staged, before, loaded }: Loaded): Promise<Date | undefined> {
  // Derived from what was there before plus this run, so no scan of the target is needed.
  const newest = [before.newest, staged.newestTimestamp].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
  if (newest) {
    await store.saveWatermark({
      pipeline: INGEST_PIPELINE,
      platform_type: context.platform,
      last_interaction_timestamp: newest,
      last_run_id: context.runId,
      rows_total: before.count + loaded,
    });
  }
  return newest;
}

async function finishRun(store: Store, run: PipelineRun, { staged, loaded, alreadyPresent }: Loaded): Promise<void> {
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
}

function summarize(config: Config, store: Store, context: RunContext, source: SourceFile, loads: Loaded, newest: Date | undefined): Omit<IngestResult, 'seconds'> {
  const { staged, loaded, alreadyPresent } = loads;
  return {
    run_id: context.runId,
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
  };
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
