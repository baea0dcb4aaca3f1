import fs from 'node:fs';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { engineFlag, ingestFlags, ingestOptionsOf, predictFlags, storeFlags } from '../src/cli/flags.js';
import { PROCESS_STAGES, processConversations, type KeptInput, type ProcessResult } from '../src/conversations/process.js';
import { INGEST_STAGES, ingest, type IngestResult } from '../src/pipeline/ingest.js';
import { formatIngestSummary } from '../src/pipeline/summary.js';
import { formatProcessSummary } from '../src/conversations/summary.js';
import { PREDICT_STAGES, predict, type PredictResult } from '../src/decisions/predict.js';
import { formatPredictSummary } from '../src/decisions/summary.js';
import { TRAIN_STAGES, train, type TrainResult } from '../src/decisions/train.js';
import { formatTrainSummary } from '../src/decisions/train-summary.js';

export interface RunResult {
  ingest: IngestResult;
  process: ProcessResult;
  /** Trains only when the store holds no model yet (`trained` says whether it did). */
  train: TrainResult;
  predict: PredictResult;
}

export default class Run extends BaseCommand {
  static summary = 'The main job in one command: ingest, process, train (when there is no model yet) and predict, then say where the predictions are.';
  static description =
    'Loads the file, rebuilds conversations and profiles, learns a model from the brand replies when the store holds none, and writes the next best action for every open conversation. ' +
    'It takes the flags of each stage it runs: ingest (--encoding, --batch-size, --not-before, --not-after), process (--engine, --as-of), ' +
    'train (--engine, --export) and predict (--as-of, --out, --format, --customers, --rules, --policy, --model, --llm).';
  static examples = [
    { description: 'The sample, end to end, into the embedded ClickHouse:', command: '<%= config.bin %> <%= command.id %> examples/twcs_sample.csv' },
    { description: 'Into Supabase, as one JSON object:', command: '<%= config.bin %> <%= command.id %> twcs.csv --db supabase --json' },
    { description: 'Rules only, no language model, a fixed "now":', command: '<%= config.bin %> <%= command.id %> twcs.csv --policy rules --llm off --as-of 2017-11-30T00:00:00Z' },
    { description: 'Your own rules, Parquet output, the model also written to a file when run trains one:', command: '<%= config.bin %> <%= command.id %> twcs.csv --rules my-rules.json --out actions.parquet --format parquet --export model.json' },
  ];
  static args = { file: Args.string({ description: 'CSV file to load', required: true }) };
  static flags = {
    ...ingestFlags,
    engine: { ...engineFlag, description: 'Where process and train compute: duckdb (local, default; DATA_ENGINE) or clickhouse (inside the ClickHouse target).' },
    'as-of': Flags.string({ description: 'The moment "now" stands for in process and predict (ISO); default: the newest interaction in the data.' }),
    export: Flags.string({ description: 'When run trains a model (the store held none), also write it to this JSON file (riverline-model/1).' }),
    ...predictFlags,
    ...storeFlags,
  };

  async run(): Promise<RunResult> {
    const { args, flags } = await this.parse(Run);
    const config = this.loadConfig(flags);
    // process leaves the interactions it read here, and train (when it trains) reads them rather than a new export.
    const handOver = path.join(config.home, 'run');
    let input: KeptInput | undefined;
    const dropHandOver = () => fs.rmSync(handOver, { recursive: true, force: true });
    const result: RunResult = await this.withProgress([...INGEST_STAGES, ...PROCESS_STAGES, ...TRAIN_STAGES, ...PREDICT_STAGES], `Riverline run: ${args.file}`, async (tracker) => ({
      ingest: await ingest(config, { file: args.file, ...ingestOptionsOf(flags), tracker }),
      process: await processConversations(config, { engine: flags.engine, asOf: flags['as-of'], tracker, keepInputIn: handOver, onInputKept: (kept) => (input = kept) }),
      train: await train(config, { engine: flags.engine, exportFile: flags.export, onlyWithoutModel: true, tracker, input }).finally(dropHandOver),
      predict: await predict(config, {
        out: flags.out,
        format: flags.format,
        customers: flags.customers,
        asOf: flags['as-of'],
        rulesFile: flags.rules,
        policy: flags.policy,
        model: flags.model,
        llm: flags.llm,
        tracker,
      }),
    })).finally(dropHandOver);
    if (result.predict.llm_notice && !this.jsonEnabled()) process.stderr.write(`Note: ${result.predict.llm_notice}\n`);
    this.log(formatIngestSummary(result.ingest));
    this.log(formatProcessSummary(result.process));
    this.log(formatTrainSummary(result.train));
    this.log(formatPredictSummary(result.predict));
    return result;
  }
}
