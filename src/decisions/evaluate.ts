// The backtest: at every point where a brand actually replied, run the engine on the features as they were just
// before, and compare its channel with the one the agent steered to. Reports agreement, per-channel precision and
// recall, a confusion matrix and the majority-class baseline, plus timing realism.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { UserError } from '../errors.js';
import { runJob, type Job } from '../jobs/run-job.js';
import type { StageTracker } from '../progress/stage-tracker.js';
import { openStaging } from '../staging/duckdb.js';
import { HISTORY_STAGES, buildMessageSignals } from '../conversations/process.js';
import { compileRules } from './compile.js';
import { NO_RULE_MATCHED } from './decide.js';
import * as sql from './evaluate.sql.js';
import { parseTimestamp } from '../files/timestamps.js';
import { defaultRulesPath } from './rules-file.js';
import { CHANNELS, loadRuleSet, type Channel, type RuleSet } from './rules.schema.js';
import { computeSendTime } from './send-time.js';
import { renderEvaluationHtml } from './evaluate-report.js';
import type { ChannelScore, EvaluationResult } from './evaluation.js';

export const EVALUATE_STAGES = [...HISTORY_STAGES, { id: 'samples', label: 'Replay replies' }, { id: 'score', label: 'Score' }];

export type { ChannelScore, EvaluationResult };

export interface EvaluateOptions {
  rulesFile?: string;
  html?: string;
  platform?: string;
  tracker?: StageTracker;
}

export async function evaluate(config: Config, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const platform = options.platform ?? 'twitter';
  const rulesFile = options.rulesFile ?? defaultRulesPath();
  const rules = loadRuleSet(rulesFile);
  return runJob(config, { name: 'evaluate', stages: EVALUATE_STAGES, tracker: options.tracker }, async (job) => {
    const stats = await job.store.interactionStats(platform);
    if (stats.count === 0) throw new UserError('file_empty', 'There is no history to evaluate on yet: load a file first with `riverline ingest FILE`.');
    job.tracker.done('check');
    const { samples, confusion, predictedDelays, actualDelays } = await replayReplies(config, job, rules, platform);
    if (samples === 0) throw new UserError('file_empty', 'The history holds no brand reply to a customer, so there is nothing to compare the engine with.');
    const evaluation = { samples, ...score(confusion), timing: timingRealism(predictedDelays, actualDelays), rules: rulesFile, html: null };
    return options.html ? { ...evaluation, html: writeReport(options.html, evaluation) } : evaluation;
  });
}

interface Replayed {
  samples: number;
  confusion: Record<Channel, Record<Channel, number>>;
  predictedDelays: number[];
  actualDelays: number[];
}

/** Rebuilds the history in staging and replays every brand reply: the engine's channel and send time against the agent's. */
async function replayReplies(config: Config, { store, tracker, workDir }: Job, rules: RuleSet, platform: string): Promise<Replayed> {
  const staging = await openStaging(config.stagingPath);
  const confusion = emptyConfusion();
  const predictedDelays: number[] = [];
  const actualDelays: number[] = [];
  let samples = 0;
  try {
    await buildMessageSignals(staging, store, { platform, workDir, onStep: (step) => tracker.start(step) });
    tracker.start('samples');
    await staging.run(sql.CREATE_MESSAGE_LISTS);
    await staging.run(sql.CREATE_SAMPLES);
    await staging.run(sql.CREATE_PEAK_HOURS);

    tracker.start('score');
    const byId = new Map(rules.rules.map((rule) => [rule.id, rule]));
    const compiled = compileRules(rules);
    const result = await staging.connection.stream(sql.selectDecided(compiled.sql), compiled.params);
    for await (const rows of result.yieldRowObjectJson()) {
      for (const row of rows as Array<{ actual_channel: Channel; actual_delay_minutes: number; ts: string; peak_hours: string; rule_id: string }>) {
        const rule = byId.get(row.rule_id);
        const predicted: Channel = rule?.channel ?? NO_RULE_MATCHED.channel;
        confusion[row.actual_channel][predicted] += 1;
        samples += 1;
        const asOf = parseTimestamp(row.ts);
        const send = computeSendTime({ asOf, timing: rule?.timing ?? 'none', peakHours: JSON.parse(row.peak_hours) as number[], quietHours: rules.quiet_hours });
        if (send) {
          predictedDelays.push((send.getTime() - asOf.getTime()) / 60000);
          actualDelays.push(Number(row.actual_delay_minutes));
        }
      }
    }
    tracker.update('score', samples);
  } finally {
    staging.close();
  }
  return { samples, confusion, predictedDelays, actualDelays };
}

/** Writes the HTML report; returns its absolute path. */
function writeReport(file: string, evaluation: Omit<EvaluationResult, 'seconds'>): string {
  const html = path.resolve(file);
  fs.mkdirSync(path.dirname(html), { recursive: true });
  // The report shows no timing of its own run.
  fs.writeFileSync(html, renderEvaluationHtml({ ...evaluation, seconds: 0 }));
  return html;
}

function emptyConfusion(): Record<Channel, Record<Channel, number>> {
  return Object.fromEntries(CHANNELS.map((actual) => [actual, Object.fromEntries(CHANNELS.map((predicted) => [predicted, 0]))])) as Record<Channel, Record<Channel, number>>;
}

const round = (value: number, digits = 4) => Number(value.toFixed(digits));

/** Precision, recall and F1 per channel; macro-F1 over the channels that occur as actual or predicted. */
export function score(confusion: Record<Channel, Record<Channel, number>>): Omit<EvaluationResult, 'samples' | 'timing' | 'rules' | 'html' | 'seconds'> {
  const total = CHANNELS.reduce((sum, actual) => sum + CHANNELS.reduce((s, predicted) => s + confusion[actual][predicted], 0), 0);
  const support = (channel: Channel) => CHANNELS.reduce((s, predicted) => s + confusion[channel][predicted], 0);
  const predictedCount = (channel: Channel) => CHANNELS.reduce((s, actual) => s + confusion[actual][channel], 0);
  const perChannel = {} as Record<Channel, ChannelScore>;
  for (const channel of CHANNELS) {
    const tp = confusion[channel][channel];
    const precision = predictedCount(channel) > 0 ? tp / predictedCount(channel) : 0;
    const recall = support(channel) > 0 ? tp / support(channel) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perChannel[channel] = { precision: round(precision), recall: round(recall), f1: round(f1), support: support(channel), predicted: predictedCount(channel) };
  }
  const present = CHANNELS.filter((channel) => support(channel) > 0 || predictedCount(channel) > 0);
  const macro = present.reduce((sum, channel) => sum + perChannel[channel].f1, 0) / Math.max(present.length, 1);
  const correct = CHANNELS.reduce((sum, channel) => sum + confusion[channel][channel], 0);

  // The majority baseline always answers the most common actual channel.
  const majority = [...CHANNELS].sort((a, b) => support(b) - support(a) || a.localeCompare(b))[0];
  const baselinePresent = CHANNELS.filter((channel) => support(channel) > 0 || channel === majority);
  const baselineF1 = (channel: Channel) => {
    if (channel !== majority) return 0;
    const precision = total > 0 ? support(majority) / total : 0;
    return precision + 1 > 0 ? (2 * precision * 1) / (precision + 1) : 0;
  };
  const baselineMacro = baselinePresent.reduce((sum, channel) => sum + baselineF1(channel), 0) / Math.max(baselinePresent.length, 1);
  return {
    agreement: round(total > 0 ? correct / total : 0),
    macro_f1: round(macro),
    baseline_channel: majority,
    baseline_agreement: round(total > 0 ? support(majority) / total : 0),
    baseline_macro_f1: round(baselineMacro),
    per_channel: perChannel,
    confusion,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timingRealism(predicted: number[], actual: number[]): EvaluationResult['timing'] {
  const differences = predicted.map((value, i) => Math.abs(value - actual[i]));
  const r = (value: number | null) => (value === null ? null : round(value, 1));
  return {
    median_predicted_delay_minutes: r(median(predicted)),
    median_actual_response_minutes: r(median(actual)),
    median_absolute_difference_minutes: r(median(differences)),
  };
}
