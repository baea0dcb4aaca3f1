import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags, useStoreFlags } from '../src/cli/store-flags.js';
import { DB_CHOICES, loadConfig } from '../src/config/index.js';
import { OUTPUT_FORMATS, PREDICT_STAGES, predict, type OutputFormat, type PredictResult } from '../src/decisions/predict.js';
import { formatPredictSummary } from '../src/decisions/summary.js';
import { StageTracker } from '../src/progress/stage-tracker.js';
import { LLM_MODES, type LlmMode } from '../src/llm/enhance.js';

export type { PredictResult };

export default class Predict extends BaseCommand {
  static summary = 'Decide the next best action for every open conversation and write nba_predictions.csv.';
  static aliases = ['run_nba_predictions'];
  static examples = [
    '<%= config.bin %> predict',
    '<%= config.bin %> predict --out out/actions.parquet --format parquet',
    '<%= config.bin %> predict --customers 100 --rules my-rules.json --json',
  ];
  static flags = {
    db: Flags.string({ description: 'Target: clickhouse, chdb, supabase or postgres.', options: [...DB_CHOICES] }),
    out: Flags.string({ description: 'Output file (default nba_predictions.csv, or .parquet/.json by --format).' }),
    format: Flags.string({ description: 'Output format.', options: [...OUTPUT_FORMATS], default: 'csv' }),
    customers: Flags.integer({ description: 'Only the N customers whose open conversations are most recent.', min: 1, max: 1_000_000_000 }),
    'as-of': Flags.string({ description: 'The moment send times are relative to (ISO); default: the as-of time of `process`.' }),
    rules: Flags.string({ description: 'A rule set (JSON) that replaces the default rules.' }),
    llm: Flags.string({ description: 'auto: rewrite messages with the configured model, else rules only; off; required: fail if the model cannot be reached.', options: [...LLM_MODES], default: 'auto' }),
    home: Flags.string({ description: 'Folder for local state; default $RIVERLINE_HOME or ./.riverline.' }),
    ...storeFlags,
  };

  async run(): Promise<PredictResult> {
    const { flags } = await this.parse(Predict);
    useStoreFlags(flags);
    const config = loadConfig(process.env, { db: flags.db as (typeof DB_CHOICES)[number] | undefined, home: flags.home });
    this.secrets = config.secrets;
    const tracker = new StageTracker(PREDICT_STAGES);
    const stop = await this.showProgress(tracker, 'Predicting next best actions');
    let result: PredictResult;
    try {
      result = await predict(config, {
        out: flags.out,
        format: flags.format as OutputFormat,
        customers: flags.customers,
        asOf: flags['as-of'],
        rulesFile: flags.rules,
        llm: flags.llm as LlmMode,
        tracker,
      });
    } finally {
      stop();
    }
    if (result.llm_notice && !this.jsonMode) process.stderr.write(`Note: ${result.llm_notice}\n`);
    if (this.jsonMode) this.printJson(result);
    else this.log(formatPredictSummary(result));
    return result;
  }
}
