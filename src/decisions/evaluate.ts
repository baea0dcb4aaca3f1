// The honest backtest: every brand reply that follows a customer message becomes a decision sample (the context just
// before it, the channel the agent steered to, what followed). By default the models train on the earliest share of
// replies and the three policies (rules, imitate, learned) are scored on the rest only; with a given model, on every
// reply of this store. Never in-sample. Limits: the logged action is what the reply's words say (see README).
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { UserError } from '../errors.js';
import { writeCsv } from '../files/csv.js';
import { ISO_TIMESTAMP_FORMAT } from '../files/timestamps.js';
import { runJob, type Job } from '../jobs/run-job.js';
import type { StageTracker } from '../progress/stage-tracker.js';
import { openStaging, type Staging } from '../staging/duckdb.js';
import { HISTORY_STAGES } from '../conversations/process.js';
import { DECISION_FIELDS, featuresOfDuckDbRow, type DecisionFeatures } from './fields.js';
import type { Action, LearnedModel } from './model.js';
import { POLICIES, modelContext } from './policy.js';
import { defaultRulesPath } from './rules-file.js';
import { loadRuleSet } from './rules.schema.js';
import { buildDecisionSamples } from './samples.js';
import { loadModelFile, trainModel } from './train.js';
import { renderEvaluationHtml } from './evaluate-report.js';
import { replayDecisions, score, type EvaluationResult, type EvaluationSplit, type ReplayedRow, type ReplayedSample } from './evaluation.js';

export const EVALUATE_STAGES = [
  ...HISTORY_STAGES,
  { id: 'samples', label: 'Decision samples' },
  { id: 'train', label: 'Train on the earlier part' },
  { id: 'score', label: 'Replay and score' },
];

export type { EvaluationResult };
export { score };

/** The default share of brand replies trained on; the rest, the latest, is scored. */
export const DEFAULT_SPLIT = 0.8;

export interface EvaluateOptions {
  rulesFile?: string;
  /** Share of brand replies (earliest first) to train on, in (0, 1); ignored with `model`. */
  split?: number;
  /** A model file or model id to score on the whole store instead of training. */
  model?: string;
  /** Writes one row per replayed brand reply. */
  out?: string;
  html?: string;
  platform?: string;
  tracker?: StageTracker;
}

export async function evaluate(config: Config, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const platform = options.platform ?? 'twitter';
  const rulesFile = options.rulesFile ?? defaultRulesPath();
  const rules = loadRuleSet(rulesFile);
  const fraction = options.split ?? DEFAULT_SPLIT;
  if (!(fraction > 0 && fraction < 1)) throw new UserError('bad_flag', `The split must be a share between 0 and 1 (exclusive), such as 0.8; received ${fraction}.`);
  return runJob(config, { name: 'evaluate', stages: EVALUATE_STAGES, tracker: options.tracker }, async (job) => {
    const stats = await job.store.interactionStats(platform);
    if (stats.count === 0) throw new UserError('file_empty', 'There is no history to evaluate on yet: load a file first with `riverline ingest FILE`.');
    job.tracker.done('check');
    const staging = await openStaging(config.stagingPath);
    try {
      const total = await buildDecisionSamples(staging, job.store, { platform, workDir: job.workDir, onStep: (step) => job.tracker.start(step) });
      job.tracker.update('samples', total);
      if (total === 0) throw new UserError('file_empty', 'The history holds no brand reply to a customer, so there is nothing to compare the engine with.');
      job.tracker.start('train');
      const { model, split } = options.model ? await givenModel(options.model, job, total) : await trainEarlier(staging, fraction, total);
      job.tracker.start('score');
      const samples = await readTestSamples(staging, split.until);
      const rows: ReplayedRow[] = [];
      const scores = replayDecisions(samples, rules, model, { onRow: options.out ? (row) => rows.push(row) : undefined });
      job.tracker.update('score', samples.length);
      const out = options.out ? await writeSamples(options.out, rows) : null;
      // The report shows no timing of its own run; runJob sets `seconds`.
      const evaluation: EvaluationResult = { ...scores, split, model_id: model.model_id, rules: rulesFile, out, html: null, seconds: 0 };
      return { ...evaluation, html: options.html ? writeReport(options.html, evaluation) : null };
    } finally {
      staging.close();
    }
  });
}

/** Trains on the replies before the split moment; the test part is every reply from it on. */
async function trainEarlier(staging: Staging, fraction: number, total: number): Promise<{ model: LearnedModel; split: EvaluationSplit }> {
  // The split moment is the time of the first test reply: training sees only replies strictly before it.
  const [boundary] = await staging.rows<{ until: string }>(
    `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS until FROM decision_samples ORDER BY ts, external_id LIMIT 1 OFFSET $offset`,
    { offset: Math.min(total - 1, Math.floor(total * fraction)) },
  );
  const until = new Date(boundary.until);
  const [counts] = await staging.rows<{ train: number; test: number; test_from: string; test_to: string }>(
    `SELECT count(*) FILTER (WHERE ts < $until::TIMESTAMPTZ)::INTEGER AS train, count(*) FILTER (WHERE ts >= $until::TIMESTAMPTZ)::INTEGER AS test,
       strftime(min(ts) FILTER (WHERE ts >= $until::TIMESTAMPTZ), '${ISO_TIMESTAMP_FORMAT}') AS test_from, strftime(max(ts), '${ISO_TIMESTAMP_FORMAT}') AS test_to
     FROM decision_samples`,
    { until: until.toISOString() },
  );
  if (counts.train === 0) {
    throw new UserError('file_empty', `None of the ${total} brand replies comes before the split moment, so there is nothing earlier to train on: load more history, or pass a model with --model.`);
  }
  const model = await trainModel(staging, { until, engine: 'duckdb' });
  return {
    model,
    split: { mode: 'time', fraction, train_samples: counts.train, test_samples: counts.test, until: until.toISOString(), test_from: counts.test_from, test_to: counts.test_to },
  };
}

/** A model from a file or the store, scored on every reply of this store (the scores refer to this data only). */
async function givenModel(source: string, job: Job, total: number): Promise<{ model: LearnedModel; split: EvaluationSplit }> {
  const model = await loadModelFile(source, job.store);
  return { model, split: { mode: 'model', fraction: null, train_samples: 0, test_samples: total, until: null, test_from: null, test_to: null } };
}

const SAMPLE_COLUMNS = ['external_id', 'customer_id', 'brand', 'action', 'outcome', 'recent_words', ...Object.keys(DECISION_FIELDS)];

/** The test part's samples, oldest first (all of them when `until` is null). */
async function readTestSamples(staging: Staging, until: string | null): Promise<ReplayedSample[]> {
  const where = until === null ? '' : 'WHERE ts >= $until::TIMESTAMPTZ';
  const result = await staging.connection.stream(
    `SELECT ${SAMPLE_COLUMNS.join(', ')} FROM decision_samples ${where} ORDER BY ts, external_id`,
    until === null ? {} : { until },
  );
  const samples: ReplayedSample[] = [];
  for await (const rows of result.yieldRowObjectJson()) {
    for (const row of rows as Array<Record<string, unknown>>) {
      const features = featuresOfDuckDbRow(row) as DecisionFeatures;
      const brand = row.brand === null ? null : String(row.brand);
      const words = Array.isArray(row.recent_words) ? (row.recent_words as unknown[]).map(String) : null;
      samples.push({
        external_id: String(row.external_id),
        customer_id: String(row.customer_id),
        brand,
        action: row.action as Action,
        outcome: row.outcome as ReplayedSample['outcome'],
        features,
        context: modelContext(features, brand, words),
      });
    }
  }
  return samples;
}

/** `--out`: one row per replayed reply, with each policy's channel, the agents' propensity of it and its P(resolved). */
async function writeSamples(file: string, rows: ReplayedRow[]): Promise<string> {
  const out = path.resolve(file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const columns = [
    'external_id', 'customer_id', 'brand', 'actual_channel', 'outcome', 'logged_propensity',
    ...POLICIES.flatMap((p) => [`${p}_channel`, `${p}_layer`, `${p}_propensity`, `${p}_p_resolved`]),
  ];
  const text = (value: number | null) => (value === null ? null : String(value));
  await writeCsv(out, columns, rows.map((row) => [
    row.external_id, row.customer_id, row.brand, row.actual_channel, row.outcome, String(row.logged_propensity),
    ...POLICIES.flatMap((p) => [row.policies[p].channel, row.policies[p].layer, text(row.policies[p].propensity), text(row.policies[p].p_resolved)]),
  ]));
  return out;
}

/** Writes the HTML report; returns its absolute path. */
function writeReport(file: string, evaluation: EvaluationResult): string {
  const html = path.resolve(file);
  fs.mkdirSync(path.dirname(html), { recursive: true });
  fs.writeFileSync(html, renderEvaluationHtml(evaluation));
  return html;
}
