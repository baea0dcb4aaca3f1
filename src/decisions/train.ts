// Training: the two naive Bayes count tables of a LearnedModel (propensity over ACTIONS, outcome over resolved /
// not_resolved), counted set-based over `decision_samples` in DuckDB, or inside ClickHouse with the same feature
// definitions in its dialect. Naive Bayes is closed form (counts plus Laplace smoothing), so no optimizer is written:
// the databases' GROUP BY is the whole of the numerics. Both engines give the same model (a test checks it).
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { UserError } from '../errors.js';
import { runJob } from '../jobs/run-job.js';
import type { StageTracker } from '../progress/stage-tracker.js';
import { openStaging, reportTiming, timingsOn, type Staging } from '../staging/duckdb.js';
import type { SqlEngine } from '../stores/index.js';
import { ACTIONS, WORD_PREFIX, categoricalReader, keptWords, learnedModelSchema, type LearnedModel, type NaiveBayes } from './model.js';
import { latestModel, writeModelFile } from './model-file.js';
import { OUTCOMES, buildDecisionSamples } from './samples.js';
import { keptInputFor, type KeptInput } from '../conversations/process.js';
import * as sql from './train.sql.js';

export { loadModelFile } from './model-file.js';

// Stage ids differ from the other jobs' so `run` can show them in one view.
export const TRAIN_STAGES = [
  { id: 'train_check', label: 'Check history' },
  { id: 'train_samples', label: 'Decision samples' },
  { id: 'train_count', label: 'Count' },
  { id: 'train_save', label: 'Save model' },
];

export interface TrainJobOptions {
  engine?: TrainEngine;
  /** Also write the model to this JSON file. */
  exportFile?: string;
  /** Train only when the store holds no model yet (`run`). */
  onlyWithoutModel?: boolean;
  platform?: string;
  tracker?: StageTracker;
  /** `run`: the interactions process just read, used instead of an export when the store still holds the same. */
  input?: KeptInput;
}

export interface TrainResult {
  /** False when a model was there already and onlyWithoutModel asked not to train. */
  trained: boolean;
  model_id: string;
  trained_at: string;
  engine: TrainEngine;
  target: string;
  training_rows: number;
  time_range: { from: string | null; to: string | null };
  metrics: Record<string, number>;
  export: string | null;
  seconds: number;
}

/** The train job: decision samples from the store's history, the model counted over all of them, saved in the store. */
export async function train(config: Config, options: TrainJobOptions = {}): Promise<TrainResult> {
  const engine = options.engine ?? config.engine;
  const platform = options.platform ?? 'twitter';
  const exportFile = options.exportFile ? path.resolve(options.exportFile) : null;
  return runJob(config, { name: 'train', stages: TRAIN_STAGES, tracker: options.tracker }, async ({ store, tracker, workDir }) => {
    const existing = options.onlyWithoutModel ? await latestModel(store) : null;
    if (existing) {
      tracker.done('train_check', `model ${existing.model_id} exists`);
      for (const stage of TRAIN_STAGES.slice(1)) tracker.skip(stage.id, 'a model exists');
      return { trained: false, ...summaryOf(existing, store.name), export: null };
    }
    const stats = await store.interactionStats(platform);
    if (stats.count === 0) {
      throw new UserError('file_empty', 'There is no history to learn from yet: load a file first with `riverline ingest FILE`.', {
        actions: ['riverline ingest examples/twcs_sample.csv'],
      });
    }
    tracker.done('train_check', `${stats.count.toLocaleString('en-US')} interactions`);
    const staging = await openStaging(config.stagingPath);
    try {
      tracker.start('train_samples');
      const samples = await buildDecisionSamples(staging, store, { platform, workDir, input: keptInputFor(options.input, stats) });
      tracker.update('train_samples', samples);
      tracker.start('train_count');
      const holdout = await holdoutMetrics(staging, samples);
      // The holdout's DuckDB count built every sample's features; the full model counts the same table unfiltered.
      const model = await trainModel(staging, { engine, sqlEngine: store.sqlEngine, metrics: holdout, reuseFeatures: holdout.holdout_rows !== undefined });
      tracker.update('train_count', model.training_rows);
      tracker.start('train_save');
      await store.saveModel(model);
      if (exportFile) writeModelFile(exportFile, model);
      return { trained: true, ...summaryOf(model, store.name), export: exportFile };
    } finally {
      staging.close();
    }
  });
}

/** The latest share of the samples the train job holds out, to say how well the propensity model imitates the agents. */
export const HOLDOUT_SHARE = 0.1;

/**
 * Trains on all but the latest HOLDOUT_SHARE of the samples (in DuckDB) and scores the propensity model's most likely
 * action on the rest: agreement with the agents and macro-F1 over the actions that occur, beside the majority's
 * agreement. Empty when there are too few samples, or all share one moment. evaluate is the full, honest comparison.
 */
async function holdoutMetrics(staging: Staging, samples: number): Promise<Record<string, number>> {
  const held = Math.floor(samples * HOLDOUT_SHARE);
  if (held < 1) return {};
  const [{ until }] = await staging.rows<{ until: string }>(
    `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS until FROM decision_samples ORDER BY ts, external_id LIMIT 1 OFFSET $offset`,
    { offset: BigInt(samples - held) },
  );
  const [{ before }] = await staging.rows<{ before: number }>(`SELECT count(*)::INTEGER AS before FROM decision_samples WHERE ts < $until::TIMESTAMPTZ`, { until });
  if (before === 0) return {};
  const model = await trainModel(staging, { engine: 'duckdb', until: new Date(until) });
  const confusion = new Map<string, number>();
  const actual = new Map<string, number>();
  let rows = 0;
  // The held-out samples' context features as trainModel counted them (training_features), read a column at a time.
  const read = categoricalReader(model.propensity);
  const started = performance.now();
  const result = await staging.connection.stream(sql.DUCKDB_HELD_OUT_CONTEXTS, { until_ms: new Date(until).getTime() });
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const [actions, contexts] = chunk.getColumns() as [string[], string[]];
    for (let j = 0; j < chunk.rowCount; j += 1) {
      const probabilities = read(contexts[j] === '' ? [] : contexts[j].split(sql.CONTEXT_SEPARATOR));
      const chosen = ACTIONS.reduce((best, action) => (probabilities[action] > probabilities[best] ? action : best));
      const key = `${actions[j]}>${chosen}`;
      confusion.set(key, (confusion.get(key) ?? 0) + 1);
      actual.set(actions[j], (actual.get(actions[j]) ?? 0) + 1);
      rows += 1;
    }
  }
  if (timingsOn()) reportTiming('train', 'scoring the held-out samples', started);
  const count = (a: string, p: string) => confusion.get(`${a}>${p}`) ?? 0;
  const f1s = ACTIONS.flatMap((action) => {
    const support = actual.get(action) ?? 0;
    const predicted = ACTIONS.reduce((sum, other) => sum + count(other, action), 0);
    if (support === 0 && predicted === 0) return [];
    const precision = predicted > 0 ? count(action, action) / predicted : 0;
    const recall = support > 0 ? count(action, action) / support : 0;
    return [precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0];
  });
  const round = (value: number) => Number(value.toFixed(4));
  const majority = Math.max(...actual.values());
  return {
    'holdout_rows': rows,
    'holdout_propensity_agreement': round(ACTIONS.reduce((sum, action) => sum + count(action, action), 0) / rows),
    'holdout_propensity_macro_f1': round(f1s.reduce((a, b) => a + b, 0) / f1s.length),
    'holdout_majority_agreement': round(majority / rows),
  };
}

function summaryOf(model: LearnedModel, target: string): Omit<TrainResult, 'trained' | 'export' | 'seconds'> {
  return {
    model_id: model.model_id,
    trained_at: model.trained_at,
    engine: model.engine,
    target,
    training_rows: model.training_rows,
    time_range: model.time_range,
    metrics: model.metrics,
  };
}

export type TrainEngine = 'duckdb' | 'clickhouse';
export const OUTCOME_CLASSES = ['resolved', 'not_resolved'] as const;

export interface TrainOptions {
  /** Train only on samples with ts < until. */
  until?: Date;
  engine: TrainEngine;
  /** Laplace smoothing; default 1. */
  alpha?: number;
  /** The store's engine, for engine 'clickhouse'. */
  sqlEngine?: SqlEngine | null;
  /** Defaults to now; fixed by tests that compare models. */
  trainedAt?: Date;
  /** Figures measured elsewhere (the train job's holdout), kept in the model's metrics. */
  metrics?: Record<string, number>;
  /** DuckDB: training_features and the feature counts already hold these decision_samples (an earlier trainModel built them, with or without its until). */
  reuseFeatures?: boolean;
}

/** What the engines hand back: the counts, as rows. */
interface Counted {
  summary: { n: number; first_ms: number | null; last_ms: number | null };
  actions: ClassCount[];
  outcomes: ClassCount[];
  propensityCounts: FeatureCount[];
  outcomeCounts: FeatureCount[];
  evidence: Array<{ brand: string; samples: number; resolved: number }>;
}
interface ClassCount {
  class: string;
  n: number;
}
interface FeatureCount extends ClassCount {
  feature: string;
}

/** Trains on `decision_samples` (see samples.ts) in the staging connection. */
export async function trainModel(staging: Staging, options: TrainOptions): Promise<LearnedModel> {
  const counted = options.engine === 'clickhouse' ? await countInClickHouse(staging, options) : await countInDuckDB(staging, options);
  if (counted.summary.n === 0) {
    throw new UserError('file_empty', 'There is no brand reply to learn from: load history with brand replies to customers (`riverline ingest FILE`), then train.');
  }
  return modelOf(counted, options);
}

async function countInDuckDB(staging: Staging, options: TrainOptions): Promise<Counted> {
  const params = options.until ? { until_ms: options.until.getTime() } : undefined;
  if (!options.reuseFeatures) {
    await staging.run(sql.DUCKDB_TRAINING_FEATURES);
    for (const statement of sql.duckdbFeatureCounts(params !== undefined)) await staging.run(statement, params);
  }
  const q = sql.duckdbCounts(params !== undefined);
  const [summary] = await staging.rows<Counted['summary']>(q.summary, params);
  return {
    summary,
    actions: await staging.rows<ClassCount>(q.actions, params),
    outcomes: await staging.rows<ClassCount>(q.outcomes, params),
    propensityCounts: await staging.rows<FeatureCount>(q.propensityCounts),
    outcomeCounts: await staging.rows<FeatureCount>(q.outcomeCounts),
    evidence: await staging.rows<Counted['evidence'][number]>(q.evidence, params),
  };
}

/** Rows per insert into ClickHouse's work table. */
const INSERT_CHUNK = 20_000;

/** The samples go to a ClickHouse work table in chunks; ClickHouse computes the features and counts them. */
async function countInClickHouse(staging: Staging, options: TrainOptions): Promise<Counted> {
  const engine = options.sqlEngine;
  if (!engine) {
    throw new UserError('bad_flag', '--engine clickhouse trains inside ClickHouse, so it needs a ClickHouse target; use --engine duckdb with PostgreSQL.');
  }
  const dropWork = async () => {
    for (const table of sql.CLICKHOUSE_WORK_TABLES) await engine.execute(sql.dropClickHouseWorkTable(table));
  };
  await dropWork();
  try {
    await engine.execute(sql.CLICKHOUSE_CREATE_SAMPLES);
    const until: Record<string, string> = options.until ? { until: options.until.toISOString() } : {};
    const result = await staging.connection.stream(sql.duckdbTrainingInputs(options.until !== undefined), until);
    let chunk: object[] = [];
    for await (const rows of result.yieldRowObjectJson()) {
      for (const row of rows) {
        chunk.push(row);
        if (chunk.length >= INSERT_CHUNK) {
          await engine.insertRows('train_samples', chunk);
          chunk = [];
        }
      }
    }
    if (chunk.length > 0) await engine.insertRows('train_samples', chunk);
    await engine.execute(sql.CLICKHOUSE_CREATE_FEATURES);
    const q = sql.CLICKHOUSE;
    const numbers = <T extends object>(rows: T[]): T[] =>
      rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, ['n', 'samples', 'resolved', 'first_ms', 'last_ms'].includes(key) && value !== null ? Number(value) : value])) as T);
    const [summary] = numbers(await engine.select<Counted['summary']>(q.summary));
    return {
      summary: summary.n === 0 ? { n: 0, first_ms: null, last_ms: null } : summary,
      actions: numbers(await engine.select<ClassCount>(q.actions)),
      outcomes: numbers(await engine.select<ClassCount>(q.outcomes)),
      propensityCounts: numbers(await engine.select<FeatureCount>(q.propensityCounts)),
      outcomeCounts: numbers(await engine.select<FeatureCount>(q.outcomeCounts)),
      evidence: numbers(await engine.select<Counted['evidence'][number]>(q.evidence)),
    };
  } finally {
    await dropWork().catch(() => {});
  }
}

/** Byte order, as both databases sort text, so both engines write the same JSON. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function naiveBayes(classes: readonly string[], priorRows: ClassCount[], countRows: FeatureCount[], alpha: number): NaiveBayes {
  const priors = Object.fromEntries(classes.map((cls) => [cls, priorRows.find((row) => row.class === cls)?.n ?? 0]));
  const totals: Record<string, number> = Object.fromEntries(classes.map((cls) => [cls, 0]));
  const byFeature = new Map<string, Record<string, number>>();
  for (const row of countRows) {
    totals[row.class] += row.n;
    const entry = byFeature.get(row.feature) ?? {};
    entry[row.class] = row.n;
    byFeature.set(row.feature, entry);
  }
  const counts: NaiveBayes['counts'] = {};
  for (const feature of [...byFeature.keys()].sort(byteOrder)) {
    const entry = byFeature.get(feature)!;
    counts[feature] = Object.fromEntries(classes.filter((cls) => entry[cls] !== undefined).map((cls) => [cls, entry[cls]]));
  }
  return { classes: [...classes], priors, totals, counts, vocabulary: byFeature.size, alpha };
}

function modelOf(counted: Counted, options: TrainOptions): LearnedModel {
  const alpha = options.alpha ?? 1;
  const resolvedRows = counted.outcomes.filter((row) => row.class === 'resolved');
  const outcomePriors: ClassCount[] = [
    { class: 'resolved', n: resolvedRows.reduce((sum, row) => sum + row.n, 0) },
    { class: 'not_resolved', n: counted.summary.n - resolvedRows.reduce((sum, row) => sum + row.n, 0) },
  ];
  // The propensity model keeps the most informative words; the outcome model reads no words (see model.ts).
  const words = new Set(keptWords(naiveBayes(ACTIONS, counted.actions, counted.propensityCounts, alpha).counts, Object.fromEntries(counted.actions.map((row) => [row.class, row.n]))));
  const kept = (row: FeatureCount) => !row.feature.startsWith(WORD_PREFIX) || words.has(row.feature);
  const propensity = naiveBayes(ACTIONS, counted.actions, counted.propensityCounts.filter(kept), alpha);
  const outcome = naiveBayes(OUTCOME_CLASSES, outcomePriors, counted.outcomeCounts.filter((row) => !row.feature.startsWith(WORD_PREFIX)), alpha);
  const evidence = Object.fromEntries(
    [...counted.evidence].sort((a, b) => byteOrder(a.brand, b.brand)).map((row) => [row.brand, { samples: row.samples, resolved: row.resolved }]),
  );
  const metrics: Record<string, number> = {
    training_rows: counted.summary.n,
    ...Object.fromEntries(ACTIONS.map((action) => [`action_${action}`, propensity.priors[action]])),
    ...Object.fromEntries(OUTCOMES.map((name) => [`outcome_${name}`, counted.outcomes.find((row) => row.class === name)?.n ?? 0])),
    brands: Object.keys(evidence).length,
    propensity_features: propensity.vocabulary,
    outcome_features: outcome.vocabulary,
    ...options.metrics,
  };
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const trainedAt = (options.trainedAt ?? new Date()).toISOString();
  const content = {
    format: 'riverline-model/1' as const,
    trained_at: trainedAt,
    engine: options.engine,
    training_rows: counted.summary.n,
    time_range: { from: iso(counted.summary.first_ms), to: iso(counted.summary.last_ms) },
    metrics,
    propensity,
    outcome,
    evidence,
  };
  const modelId = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12);
  return learnedModelSchema.parse({ ...content, model_id: modelId });
}
