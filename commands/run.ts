import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { engineFlag, ingestFlags, ingestOptionsOf, modelFlag, policyFlag, storeFlags } from '../src/cli/flags.js';
import { PROCESS_STAGES, processConversations, type ProcessResult } from '../src/conversations/process.js';
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
    'Loads the file, rebuilds conversations and profiles, learns a model from the brand replies when the store holds none, and writes the next best action for every open conversation.';
  static examples = ['<%= config.bin %> run examples/twcs_sample.csv', '<%= config.bin %> run twcs.csv --db supabase --json'];
  static args = { file: Args.string({ description: 'CSV file to load', required: true }) };
  static flags = {
    ...ingestFlags,
    engine: engineFlag,
    out: Flags.string({ description: 'Predictions file (default nba_predictions.csv).' }),
    policy: policyFlag,
    model: modelFlag,
    ...storeFlags,
  };

  async run(): Promise<RunResult> {
    const { args, flags } = await this.parse(Run);
    const config = this.loadConfig(flags);
    const result: RunResult = await this.withProgress([...INGEST_STAGES, ...PROCESS_STAGES, ...TRAIN_STAGES, ...PREDICT_STAGES], `Riverline run: ${args.file}`, async (tracker) => ({
      ingest: await ingest(config, { file: args.file, ...ingestOptionsOf(flags), tracker }),
      process: await processConversations(config, { engine: flags.engine, tracker }),
      train: await train(config, { engine: flags.engine, onlyWithoutModel: true, tracker }),
      predict: await predict(config, { out: flags.out, policy: flags.policy, model: flags.model, tracker }),
    }));
    if (this.jsonMode) this.printJson(result);
    else {
      this.log(formatIngestSummary(result.ingest));
      this.log(formatProcessSummary(result.process));
      this.log(formatTrainSummary(result.train));
      this.log(formatPredictSummary(result.predict));
    }
    return result;
  }
}
