import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { predictFlags, storeFlags } from '../src/cli/flags.js';
import { PREDICT_STAGES, predict, type PredictResult } from '../src/decisions/predict.js';
import { formatPredictSummary } from '../src/decisions/summary.js';

export type { PredictResult };

export default class Predict extends BaseCommand {
  static summary = 'Decide the next best action for every open conversation and write nba_predictions.csv.';
  static description =
    'Reads the open conversations and their customers from the target and decides a channel, a message and a send time for each under ' +
    'the policy (rules, imitate or learned); a configured language model rewrites the messages unless --llm off. Resolved conversations ' +
    'are skipped and counted. The rows go to the file and to the nba_predictions table, each with a receipt naming the rule or model behind it.';
  static hiddenAliases = ['run_nba_predictions'];
  static examples = [
    { description: 'Predict with the latest model, or the rules when there is none:', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Parquet output:', command: '<%= config.bin %> <%= command.id %> --out out/actions.parquet --format parquet' },
    { description: 'The 100 most recent customers under your own rules, as JSON:', command: '<%= config.bin %> <%= command.id %> --customers 100 --rules my-rules.json --json' },
    { description: 'The learned policy with a model file:', command: '<%= config.bin %> <%= command.id %> --policy learned --model model.json' },
    { description: 'No language model, send times relative to a fixed moment:', command: '<%= config.bin %> <%= command.id %> --llm off --as-of 2017-12-01T00:00:00Z' },
  ];
  static flags = {
    ...predictFlags,
    'as-of': Flags.string({ description: 'The moment send times are relative to (ISO); default: the as-of time of `process`.' }),
    ...storeFlags,
  };

  async run(): Promise<PredictResult> {
    const { flags } = await this.parse(Predict);
    const config = this.loadConfig(flags);
    const result = await this.withProgress(PREDICT_STAGES, 'Predicting next best actions', (tracker) =>
      predict(config, { out: flags.out, format: flags.format, customers: flags.customers, asOf: flags['as-of'], rulesFile: flags.rules, policy: flags.policy, model: flags.model, llm: flags.llm, tracker }),
    );
    if (result.llm_notice && !this.jsonEnabled()) process.stderr.write(`Note: ${result.llm_notice}\n`);
    this.log(formatPredictSummary(result));
    return result;
  }
}
