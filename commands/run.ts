import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags, useStoreFlags } from '../src/cli/store-flags.js';
import { ingestFlags, ingestOptionsOf } from '../src/cli/ingest-flags.js';
import { DB_CHOICES, loadConfig } from '../src/config/index.js';
import { ENGINES, PROCESS_STAGES, processConversations, type Engine, type ProcessResult } from '../src/conversations/process.js';
import { INGEST_STAGES, ingest, type IngestResult } from '../src/pipeline/ingest.js';
import { formatIngestSummary } from '../src/pipeline/summary.js';
import { formatProcessSummary } from '../src/conversations/summary.js';
import { StageTracker } from '../src/progress/stage-tracker.js';
import { PREDICT_STAGES, predict, type PredictResult } from '../src/decisions/predict.js';
import { formatPredictSummary } from '../src/decisions/summary.js';

export interface RunResult {
  ingest: IngestResult;
  process: ProcessResult;
  predict: PredictResult;
}

export default class Run extends BaseCommand {
  static summary = 'The main job in one command: ingest, process and predict, then say where the predictions are.';
  static description = 'Loads the file, rebuilds conversations and profiles, and writes the next best action for every open conversation.';
  static examples = ['<%= config.bin %> run examples/twcs_sample.csv', '<%= config.bin %> run twcs.csv --db supabase --json'];
  static args = { file: Args.string({ description: 'CSV file to load', required: true }) };
  static flags = {
    db: Flags.string({ description: 'Target: clickhouse, chdb, supabase or postgres.', options: [...DB_CHOICES] }),
    'batch-size': Flags.integer({ description: 'Rows per load batch.', min: 1, max: 100_000_000 }),
    ...ingestFlags,
    engine: Flags.string({ description: 'Where process computes: duckdb or clickhouse.', options: [...ENGINES] }),
    out: Flags.string({ description: 'Predictions file (default nba_predictions.csv).' }),
    home: Flags.string({ description: 'Folder for local state; default $RIVERLINE_HOME or ./.riverline.' }),
    ...storeFlags,
  };

  async run(): Promise<RunResult> {
    const { args, flags } = await this.parse(Run);
    useStoreFlags(flags);
    const config = loadConfig(process.env, { db: flags.db as (typeof DB_CHOICES)[number] | undefined, home: flags.home, batchSize: flags['batch-size'] });
    this.secrets = config.secrets;
    const tracker = new StageTracker([...INGEST_STAGES, ...PROCESS_STAGES, ...PREDICT_STAGES]);
    const stop = await this.showProgress(tracker, `Riverline run: ${args.file}`);
    let result: RunResult;
    try {
      const ingested = await ingest(config, { file: args.file, ...ingestOptionsOf(flags), tracker });
      const processed = await processConversations(config, { engine: flags.engine as Engine | undefined, tracker });
      const predicted = await predict(config, { out: flags.out, tracker });
      result = { ingest: ingested, process: processed, predict: predicted };
    } finally {
      stop();
    }
    if (this.jsonMode) this.printJson(result);
    else {
      this.log(formatIngestSummary(result.ingest));
      this.log(formatProcessSummary(result.process));
      this.log(formatPredictSummary(result.predict));
    }
    return result;
  }
}
