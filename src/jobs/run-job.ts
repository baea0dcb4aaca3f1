// The skeleton every job runs in (ingest, process, predict, evaluate; a new job such as train starts here too): the
// start time, the store's lifetime, the work folder, the tracker's failure handling and `seconds`, written once.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { messageOf } from '../errors.js';
import { StageTracker } from '../progress/stage-tracker.js';
import { createStore, prepareStore, type CreateStoreOptions, type Store } from '../stores/index.js';

export interface JobStage {
  id: string;
  label: string;
}

export interface JobOptions {
  /** Names the work folder, `$RIVERLINE_HOME/<name>`. */
  name: string;
  /** The job's stages, in order; the first covers connecting to the store. */
  stages: readonly JobStage[];
  /** A tracker shared with other jobs (`run` shows three jobs in one view); default: a new one over `stages`. */
  tracker?: StageTracker;
  store?: CreateStoreOptions;
}

export interface Job {
  /** Pinged and migrated; closed when the job ends, whatever happens. */
  store: Store;
  tracker: StageTracker;
  /** Empty at the start and removed at the end: files the job writes for itself. */
  workDir: string;
  started: Date;
}

/**
 * Runs a job's steps: starts the first stage, prepares the store and the work folder, and hands them to `steps`.
 * A failure marks the running stage failed and is rethrown; the result gains `seconds`, the job's wall time.
 */
export async function runJob<T extends object>(config: Config, options: JobOptions, steps: (job: Job) => Promise<T>): Promise<T & { seconds: number }> {
  const started = new Date();
  const tracker = options.tracker ?? new StageTracker([...options.stages]);
  tracker.start(options.stages[0].id);
  const store = createStore(config, options.store);
  const workDir = path.join(config.home, options.name);
  try {
    await prepareStore(store);
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    const result = await steps({ store, tracker, workDir, started });
    tracker.finish();
    return { ...result, seconds: secondsSince(started) };
  } catch (error) {
    tracker.fail(messageOf(error));
    throw error;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
    await store.close().catch(() => {});
  }
}

function secondsSince(started: Date): number {
  return Number(((Date.now() - started.getTime()) / 1000).toFixed(3));
}
