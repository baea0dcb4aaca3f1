// The decision samples the learning and the backtest read: one row per brand reply that follows a customer message,
// with the features as they were just before it (computed by process's own SQL over the history before the reply),
// the action it took (the channel the agent steered to) and its outcome within a window. Labels are defined once here;
// the README's evaluate section says what they mean and where they fall short.
import type { Staging } from '../staging/duckdb.js';
import type { Store } from '../stores/index.js';
import * as duck from '../conversations/duckdb.sql.js';
import { RESOLUTION_WINDOW_HOURS, buildMessageSignals, type KeptInput } from '../conversations/process.js';
import * as sql from './samples.sql.js';

/** Hours after a reply in which what the customer does counts as its outcome. */
export const DEFAULT_OUTCOME_HOURS = 72;

export const OUTCOMES = ['resolved', 'escalated', 'silent'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface SampleOptions {
  platform: string;
  workDir: string;
  windowHours?: number;
  onStep?: (step: 'export' | 'threads' | 'features' | 'samples') => void;
  /** The interactions an earlier job of this `run` read, when they still hold what the store holds (keptInputFor). */
  input?: KeptInput | null;
}

/** Builds the DuckDB temp table `decision_samples` from the store's history; returns how many samples it holds. */
export async function buildDecisionSamples(staging: Staging, store: Store, options: SampleOptions): Promise<number> {
  await buildMessageSignals(staging, store, { platform: options.platform, workDir: options.workDir, onStep: options.onStep, input: options.input });
  options.onStep?.('samples');
  await staging.run(duck.CREATE_CONVERSATION_KEYS, { platform: options.platform });
  await staging.run(sql.CREATE_FEATURE_CUTS);
  await staging.run(sql.INSERT_REPLY_CUTS);
  await buildCutFeatures(staging, options.platform);
  await staging.run(sql.CREATE_DECISION_SAMPLES, { outcome_hours: options.windowHours ?? DEFAULT_OUTCOME_HOURS });
  const [{ n }] = await staging.rows<{ n: number }>(sql.COUNT_SAMPLES);
  return n;
}

/**
 * The decision features of every cut in `feature_cuts` (`cut_features`), with process's conversation SQL over each
 * cut's messages. Needs buildMessageSignals and conversation_keys in the staging connection.
 */
export async function buildCutFeatures(staging: Staging, platform: string): Promise<void> {
  const scope = sql.CUT_SCOPE;
  await staging.run(sql.CREATE_CUT_MEMBERS);
  await staging.run(duck.conversationFeaturesSql(scope));
  await staging.run(duck.conversationWordsSql(scope));
  await staging.run(duck.conversationBrandsSql(scope));
  await staging.run(duck.conversationListHitsSql(scope));
  await staging.run(duck.conversationListsSql(scope));
  await staging.run(duck.conversationsSql(scope), { platform, window_hours: RESOLUTION_WINDOW_HOURS });
  await staging.run(sql.CREATE_CUT_FEATURES, { window_hours: RESOLUTION_WINDOW_HOURS });
}
