// The predict job: for every open conversation, the next best action under a policy (rules, imitate or learned), its
// send time, message, reasoning and receipt; written to a file and appended to the target. The rules are matched
// set-based in DuckDB (one compiled CASE, which also ranks each customer's conversations for the contact policy); the
// policy then decides each conversation in one streamed pass, with the same code serve uses.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { listValue } from '@duckdb/node-api';
import type { Config } from '../config/index.js';
import { parseAsOf } from '../config/as-of.js';
import { UserError } from '../errors.js';
import { runJob, type Job } from '../jobs/run-job.js';
import type { StageTracker } from '../progress/stage-tracker.js';
import { openStaging, withUnorderedWrites, type Staging } from '../staging/duckdb.js';
import { exportFromStore, writeForStore } from '../staging/store-files.js';
import { CONVERSATIONS, NBA_PREDICTIONS } from '../model/schema.js';
import { compileRules } from './compile.js';
import { DECISION_FIELDS } from './fields.js';
import type { Layer, Policy } from './policy.js';
import { composeShares } from './compose-pool.js';
import { composeInSql } from './compose-sql.js';
import { choosePolicy } from './policy-choice.js';
import type { PolicyChoice } from './single.js';
import * as sql from './predict.sql.js';
import { CHAT_LOG_COLUMNS, PREDICT_CHAT_LOGS, PREDICT_CONVERSATIONS } from './predict-input.js';
import { defaultRulesPath } from './rules-file.js';
import { copyToFile } from '../files/formats.js';
import { writeQueryAsArrow } from '../files/arrow.js';
import { parseTimestamp } from '../files/timestamps.js';
import { loadRuleSet, orderedRules, type RuleSet } from './rules.schema.js';
import { LlmCache } from '../llm/cache.js';
import { createLlmClient, Enhancer, type LlmMode } from '../llm/enhance.js';
import type { EnhanceInput } from '../llm/prompt.js';

// Stage ids differ from ingest's and process's so `run` can show all three in one view.
export const PREDICT_STAGES = [
  { id: 'predict_check', label: 'Check convs' },
  { id: 'predict_read', label: 'Read open convs' },
  { id: 'decide', label: 'Decide' },
  { id: 'compose', label: 'Compose' },
  { id: 'llm', label: 'LLM rewrite' },
  { id: 'predict_write', label: 'Write actions' },
];

export const OUTPUT_FORMATS = ['csv', 'parquet', 'json', 'arrow'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface PredictOptions {
  out?: string;
  format?: OutputFormat;
  asOf?: string;
  customers?: number;
  rulesFile?: string;
  platform?: string;
  llm?: LlmMode;
  /** Default: learned when there is a model, else rules. */
  policy?: Policy;
  /** A model file (riverline-model/1) or a model_id in the store; default: the latest model in the store. */
  model?: string;
  tracker?: StageTracker;
  /**
   * Who writes the rules policy's CSV without a language model: DuckDB in one statement (compose-sql.ts, the default)
   * or the compose shares in JavaScript (what every other run uses; tests compare the two).
   */
  composer?: 'sql' | 'shares';
}

export interface PredictResult {
  run_id: string;
  target: string;
  predictions: number;
  skipped_resolved: number;
  by_channel: Record<string, number>;
  llm: { enhanced: number; fallback: number; off: number; cached: number; calls: number; prompt_tokens: number; completion_tokens: number; cost_usd: number | null; model: string | null };
  /** Set when the LLM was asked for but is not configured (auto mode): the run is rules-only. */
  llm_notice: string | null;
  /** Why predictions fell back to the rule-based text, with counts. */
  llm_fallback_reasons: Record<string, number>;
  rules: string;
  policy: Policy;
  model_id: string | null;
  /** Decisions per layer that made them: outcome, propensity or rules. */
  by_layer: Record<string, number>;
  as_of: string;
  out: string;
  format: OutputFormat;
  seconds: number;
}

/** The column order of the output file: the seed's columns first, then ours. */
export const PREDICTION_COLUMNS = NBA_PREDICTIONS.columns.map((column) => column.name);

export async function predict(config: Config, options: PredictOptions = {}): Promise<PredictResult> {
  const platform = options.platform ?? 'twitter';
  const format = options.format ?? 'csv';
  const out = path.resolve(options.out ?? `nba_predictions.${format === 'json' ? 'json' : format}`);
  const rulesFile = options.rulesFile ?? defaultRulesPath();
  const rules = loadRuleSet(rulesFile);
  const asOfOverride = options.asOf === undefined ? undefined : parseAsOf(options.asOf);
  const runId = randomUUID();
  const llm = await openLlm(config, options.llm ?? 'auto');
  return runJob(config, { name: 'predict', stages: PREDICT_STAGES, tracker: options.tracker }, async (job) => {
    const total = await countConversations(job);
    const choice = await choosePolicy({ policy: options.policy, model: options.model }, job.store);
    const staging = await openStaging(config.stagingPath);
    try {
      const open = await readOpenConversations(job, staging, platform);
      await decide(job.tracker, staging, rules, options.customers);
      // Without a language model to rewrite the messages, the CSV is written as the actions are composed: by DuckDB for
      // the rules policy (compose-sql.ts), else by the compose shares (compose-share.ts).
      const csvByShares = format === 'csv' && !llm.enhancer;
      const composed = await composeActions(job.tracker, staging, rules, choice, llm, {
        runId,
        asOfOverride,
        workDir: job.workDir,
        csvFile: csvByShares ? out : undefined,
        inSql: csvByShares && choice.policy === 'rules' && options.composer !== 'shares',
      });
      const byChannel = composed.byChannel
        ? await loadPredictionsFile(job, staging, { out, predictions: composed.predictions, byChannel: composed.byChannel })
        : await writePredictions(job, staging, { out, format, predictions: composed.predictions });
      return {
        run_id: runId,
        target: job.store.name,
        predictions: composed.predictions,
        skipped_resolved: total - open,
        by_channel: byChannel,
        llm: llmSummary(config, llm, composed.byStatus),
        llm_notice: llm.notice,
        llm_fallback_reasons: composed.fallbackReasons,
        rules: rulesFile,
        policy: choice.policy,
        model_id: choice.model?.model_id ?? null,
        by_layer: composed.byLayer,
        as_of: composed.asOf.toISOString(),
        out,
        format,
      };
    } finally {
      staging.close();
    }
  });
}

interface Llm {
  mode: LlmMode;
  /** Null when the mode is off or no model is configured: the run is rules-only. */
  enhancer: Enhancer | null;
  notice: string | null;
}

/** The model for the rewrite, checked first when it is required. */
async function openLlm(config: Config, mode: LlmMode): Promise<Llm> {
  if (mode === 'required' && !config.llm) {
    throw new UserError('config_invalid', '--llm required, but no model is configured: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server, or the AZURE_OPENAI_* variables).');
  }
  const enhancer = mode !== 'off' && config.llm ? new Enhancer(createLlmClient(config.llm), config.llm, new LlmCache(path.join(config.home, 'llm-cache'))) : null;
  if (mode === 'required') await enhancer?.check();
  const notice = mode === 'auto' && !config.llm ? 'No LLM is configured (OPENAI_API_KEY, OPENAI_BASE_URL or AZURE_OPENAI_*): predictions are rules-only.' : null;
  return { mode, enhancer, notice };
}

async function countConversations({ store, tracker }: Job): Promise<number> {
  const total = await store.countRows(CONVERSATIONS);
  if (total === 0) {
    throw new UserError('file_empty', 'There are no conversations to predict for yet: run `riverline process` first (after `riverline ingest FILE`).', {
      actions: ['riverline run examples/twcs_sample.csv'],
    });
  }
  tracker.done('predict_check', `${total.toLocaleString('en-US')} conversations`);
  return total;
}

/** Reads the open conversations from the target into their decision features and their chat logs; returns how many are open. */
async function readOpenConversations({ store, tracker, workDir }: Job, staging: Staging, platform: string): Promise<number> {
  tracker.start('predict_read');
  // Both exports first, then DuckDB reads them: the store's chat-log query (its largest, about 1.6 GB on the 2.8M-row
  // file) then runs while staging holds nothing, rather than beside the decision features it had already built.
  const conversations = await exportFromStore(store, PREDICT_CONVERSATIONS, { platform }, { dir: workDir, name: 'conversations' });
  const logs = await exportFromStore(store, PREDICT_CHAT_LOGS, { platform }, { dir: workDir, name: 'chat_logs', columns: CHAT_LOG_COLUMNS });
  await staging.run(sql.createDecisionFeatures(conversations.reader), { file: conversations.file });
  await staging.run(sql.createChatLogs(logs.reader), { file: logs.file });
  const [{ open }] = await staging.rows<{ open: number }>('SELECT count(*)::INTEGER AS open FROM decision_features');
  tracker.update('predict_read', open);
  return open;
}

/** The matched rule of every open conversation, set-based: one compiled CASE over all of them. */
async function decide(tracker: StageTracker, staging: Staging, rules: RuleSet, customers: number | undefined): Promise<void> {
  tracker.start('decide');
  if (customers !== undefined) await staging.run(sql.LIMIT_CUSTOMERS, { limit: BigInt(customers) });
  await loadRulesTable(staging, rules);
  const compiled = compileRules(rules);
  await staging.run(sql.createDecisions(compiled.sql), compiled.params);
}

interface Composed {
  predictions: number;
  byLayer: Record<string, number>;
  /** Set when the compose shares wrote the user's CSV (and DuckDB holds no actions): the count per channel. */
  byChannel?: Record<string, number>;
  asOf: Date;
  byStatus: Record<string, number>;
  fallbackReasons: Record<string, number>;
}

/**
 * Send time, message and reasoning per decision, rewritten by the model when there is one: `nba_predictions_out`; or,
 * given `csvFile`, the user's CSV written by the compose shares.
 */
async function composeActions(
  tracker: StageTracker,
  staging: Staging,
  rules: RuleSet,
  choice: PolicyChoice,
  llm: Llm,
  context: { runId: string; asOfOverride?: Date; workDir: string; csvFile?: string; inSql?: boolean },
): Promise<Composed> {
  tracker.start('compose');
  const [{ data_as_of }] = await staging.rows<{ data_as_of: string | null }>('SELECT max(as_of)::VARCHAR AS data_as_of FROM decision_features');
  const asOf = context.asOfOverride ?? (data_as_of ? parseTimestamp(data_as_of) : new Date(0));
  const csv = context.csvFile === undefined ? undefined : { file: context.csvFile, runId: context.runId };
  if (csv) fs.mkdirSync(path.dirname(csv.file), { recursive: true });
  const { predictions, byLayer, byChannel } =
    csv && context.inSql ? await composeRulesInSql(staging, rules, asOf, csv) : await compose(staging, rules, choice, asOf, { workDir: context.workDir, csv });
  tracker.update('compose', predictions);
  if (byChannel) {
    tracker.skip('llm', llm.mode === 'off' ? '--llm off' : 'not configured');
    return { predictions, byLayer, byChannel, asOf, byStatus: { off: predictions }, fallbackReasons: {} };
  }
  const fallbackReasons = llm.enhancer ? await rewriteWithLlm(staging, llm.enhancer, tracker) : {};
  if (!llm.enhancer) tracker.skip('llm', llm.mode === 'off' ? '--llm off' : 'not configured');
  await staging.run(sql.CREATE_PREDICTION_RUN, { run_id: context.runId, as_of: asOf.toISOString() });
  await staging.run(sql.CREATE_PREDICTIONS);
  const byStatus = Object.fromEntries((await staging.rows<{ llm_status: string; n: number }>(sql.COUNT_BY_LLM_STATUS)).map((row) => [row.llm_status, row.n]));
  return { predictions, byLayer, asOf, byStatus, fallbackReasons };
}

/** Writes the user's file and appends the predictions to the target; returns the count per channel. */
async function writePredictions({ store, tracker, workDir }: Job, staging: Staging, output: { out: string; format: OutputFormat; predictions: number }): Promise<Record<string, number>> {
  tracker.start('predict_write');
  // Staging is closed once the files are written, so the lower limit holds for the rest of its life.
  await staging.run(sql.limitMemory(sql.OUTPUT_MEMORY_MB));
  await writeOutput(staging, output.out, output.format);
  const forStore = await writeForStore(staging, store, NBA_PREDICTIONS, 'nba_predictions_out', workDir);
  const byChannel = Object.fromEntries((await staging.rows<{ channel: string; n: number }>(sql.COUNT_BY_CHANNEL)).map((row) => [row.channel, row.n]));
  // Staging is done: closed before the store reads the file, so the two engines' memory never peaks together (on the
  // 2.8M-row file, DuckDB held about 1.2 GB here while the embedded engine's insert took 1.5 to 2 GB).
  staging.close();
  await store.appendTable(NBA_PREDICTIONS, forStore);
  tracker.update('predict_write', output.predictions);
  return byChannel;
}

/**
 * The compose shares wrote the user's CSV: the store loads that file as it is (on the 2.8M-row file, 3 to 4 s for the
 * embedded engine against 5 to 8 s for writing and inserting a Parquet copy of the same rows).
 */
async function loadPredictionsFile({ store, tracker }: Job, staging: Staging, output: { out: string; predictions: number; byChannel: Record<string, number> }): Promise<Record<string, number>> {
  tracker.start('predict_write');
  staging.close();
  await store.appendCsv(NBA_PREDICTIONS, output.out);
  tracker.update('predict_write', output.predictions);
  return Object.fromEntries(Object.entries(output.byChannel).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function llmSummary(config: Config, { enhancer }: Llm, byStatus: Record<string, number>): PredictResult['llm'] {
  return {
    enhanced: byStatus.enhanced ?? 0,
    fallback: byStatus.fallback ?? 0,
    off: byStatus.off ?? 0,
    cached: enhancer?.cachedHits ?? 0,
    calls: enhancer?.totals.calls ?? 0,
    prompt_tokens: enhancer?.totals.prompt_tokens ?? 0,
    completion_tokens: enhancer?.totals.completion_tokens ?? 0,
    cost_usd: enhancer?.totals.cost_usd ?? null,
    model: config.llm && enhancer ? config.llm.model : null,
  };
}

async function loadRulesTable(staging: Staging, rules: RuleSet): Promise<void> {
  await staging.run(sql.CREATE_RULES_TABLE);
  const appender = await staging.connection.createAppender('decision_rules', 'main', 'temp');
  for (const rule of orderedRules(rules)) {
    appender.appendVarchar(rule.id);
    appender.appendInteger(rule.priority);
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * The policy's decision, send time, message, reasoning and receipt per conversation, in one pass over the decided
 * rows (no query per row): they go to a Parquet file, compose shares (compose-pool.ts) write the actions as JSON lines,
 * and DuckDB reads them in one go; the chat log and the rest join back in SQL. `csv`: the shares write the user's CSV
 * instead (its header is written here first), and DuckDB holds no actions.
 */
async function compose(
  staging: Staging,
  rules: RuleSet,
  choice: PolicyChoice,
  asOf: Date,
  context: { workDir: string; csv?: { file: string; runId: string } },
): Promise<{ predictions: number; byLayer: Record<string, number>; byChannel?: Record<string, number> }> {
  const byLayer: Record<Layer, number> = { outcome: 0, propensity: 0, rules: 0 };
  const input = path.join(context.workDir, 'decided.parquet');
  const select = sql.selectForTemplates(Object.keys(DECISION_FIELDS), { withChatLogs: context.csv !== undefined });
  const copy = () => staging.run(copyToFile(select, 'parquet', { uncompressed: true }), { file: input });
  // The shares take consecutive rows: for the CSV, in its order; otherwise the order does not matter.
  await (context.csv ? copy() : withUnorderedWrites(staging, copy));
  const [{ n }] = await staging.rows<{ n: number }>(sql.COUNT_DECISIONS);
  if (context.csv) writeCsvHeader(context.csv.file);
  const composed = await composeShares({
    rules,
    model: choice.model,
    policy: choice.policy,
    asOf,
    input,
    rows: n,
    dir: context.workDir,
    csv: context.csv && { file: context.csv.file, columns: PREDICTION_COLUMNS, runId: context.csv.runId, asOf: asOf.toISOString() },
  });
  for (const [layer, count] of Object.entries(composed.byLayer)) byLayer[layer as Layer] += count;
  if (context.csv) {
    fs.rmSync(input, { force: true });
    return { predictions: composed.predictions, byLayer, byChannel: composed.byChannel };
  }
  await staging.run(sql.CREATE_ACTIONS);
  await staging.run(sql.INSERT_ACTIONS_FROM_JSON, { files: listValue(composed.files) });
  for (const file of [input, ...composed.files]) fs.rmSync(file, { force: true });
  for (const statement of sql.KEEP_OUTPUT_FEATURES) await staging.run(statement);
  await staging.run(sql.CREATE_LLM_RESULTS);
  return { predictions: composed.predictions, byLayer };
}

/** The rules policy's CSV, written by DuckDB (compose-sql.ts): every decision is the rules', so each layer count is too. */
async function composeRulesInSql(staging: Staging, rules: RuleSet, asOf: Date, csv: { file: string; runId: string }) {
  const { predictions, byChannel } = await composeInSql(staging, rules, { asOf, runId: csv.runId, file: csv.file, columns: PREDICTION_COLUMNS });
  return { predictions, byChannel, byLayer: { outcome: 0, propensity: 0, rules: predictions } };
}

/** The CSV's header line, as DuckDB writes it (the column names are plain identifiers, never quoted). */
function writeCsvHeader(file: string): void {
  fs.writeFileSync(file, `${PREDICTION_COLUMNS.join(',')}\n`);
}

/** Sends every action that contacts the customer to the model (bounded concurrency), keeping the rule text on failure. */
async function rewriteWithLlm(staging: Staging, enhancer: Enhancer, tracker: StageTracker): Promise<Record<string, number>> {
  const rows = await staging.rows<EnhanceInput & { fired: string }>(sql.SELECT_FOR_LLM);
  tracker.start('llm', rows.length);
  const inputs = rows.map((row) => ({ ...row, fired: JSON.parse(row.fired) as Record<string, unknown> }));
  const results = await enhancer.enhanceAll(inputs, (done) => tracker.update('llm', done));
  const appender = await staging.connection.createAppender('llm_results', 'main', 'temp');
  const reasons: Record<string, number> = {};
  results.forEach((result, index) => {
    appender.appendVarchar(inputs[index].conversation_id);
    appender.appendVarchar(result.message);
    appender.appendVarchar(result.reasoning);
    appender.appendVarchar(result.status);
    appender.endRow();
    if (result.reason) reasons[result.reason] = (reasons[result.reason] ?? 0) + 1;
  });
  appender.closeSync();
  tracker.done('llm', `${results.filter((r) => r.status === 'enhanced').length} rewritten`);
  return reasons;
}

/** The user's file; send_time and as_of are already ISO 8601 UTC text, which Arrow carries as Timestamp(ms, UTC). */
async function writeOutput(staging: Staging, out: string, format: OutputFormat): Promise<void> {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const columns = PREDICTION_COLUMNS.join(', ');
  const select = `SELECT ${columns} FROM nba_predictions_out ORDER BY ${sql.PREDICTION_ORDER}`;
  if (format !== 'arrow') return staging.run(copyToFile(select, format), { file: out });
  await writeQueryAsArrow(staging.connection, `SELECT * REPLACE (send_time::TIMESTAMPTZ AS send_time, as_of::TIMESTAMPTZ AS as_of) FROM (${select})`, out);
}
