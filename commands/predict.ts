import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { modelFlag, policyFlag, rulesFlag, storeFlags } from '../src/cli/flags.js';
import { OUTPUT_FORMATS, PREDICT_STAGES, predict, type PredictResult } from '../src/decisions/predict.js';
import { formatPredictSummary } from '../src/decisions/summary.js';
import { LLM_MODES } from '../src/llm/enhance.js';

export type { PredictResult };

export default class Predict extends BaseCommand {
  static summary = 'Decide the next best action for every open conversation and write nba_predictions.csv.';
  static aliases = ['run_nba_predictions'];
  static examples = [
    '<%= config.bin %> predict',
    '<%= config.bin %> predict --out out/actions.parquet --format parquet',
    '<%= config.bin %> predict --customers 100 --rules my-rules.json --json',
    '<%= config.bin %> predict --policy learned --model model.json',
  ];
  static flags = {
    out: Flags.string({ description: 'Output file (default nba_predictions.csv, or .parquet/.json by --format).' }),
    format: Flags.option({ description: 'Output format.', options: OUTPUT_FORMATS, default: 'csv' })(),
    customers: Flags.integer({ description: 'Only the N customers whose open conversations are most recent.', min: 1, max: 1_000_000_000 }),
    'as-of': Flags.string({ description: 'The moment send times are relative to (ISO); default: the as-of time of `process`.' }),
    rules: rulesFlag,
    policy: policyFlag,
    model: modelFlag,
    llm: Flags.option({ description: 'auto: rewrite messages with the configured model, else rules only; off; required: fail if the model cannot be reached.', options: LLM_MODES, default: 'auto' })(),
    ...storeFlags,
  };

  async run(): Promise<PredictResult> {
    const { flags } = await this.parse(Predict);
    const config = this.loadConfig(flags);
    const result = await this.withProgress(PREDICT_STAGES, 'Predicting next best actions', (tracker) =>
      predict(config, { out: flags.out, format: flags.format, customers: flags.customers, asOf: flags['as-of'], rulesFile: flags.rules, policy: flags.policy, model: flags.model, llm: flags.llm, tracker }),
    );
    if (result.llm_notice && !this.jsonMode) process.stderr.write(`Note: ${result.llm_notice}\n`);
    if (this.jsonMode) this.printJson(result);
    else this.log(formatPredictSummary(result));
    return result;
  }
}
