import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags } from '../src/cli/flags.js';
import { ENGINES } from '../src/config/index.js';
import { TRAIN_STAGES, train, type TrainResult } from '../src/decisions/train.js';
import { formatTrainSummary } from '../src/decisions/train-summary.js';

export type { TrainResult };

export default class Train extends BaseCommand {
  static summary = "Learn from every brand reply in the store how the brand's agents act and what resolves an issue.";
  static description =
    'Builds one decision sample per brand reply (the features just before it, the channel it steered to, and what followed within 72 hours), ' +
    'then counts two naive Bayes models over them: the propensity P(action | context) and the outcome P(resolved | context, action). ' +
    'The model is saved as a row of the models table; --export also writes it to a JSON file that predict, serve and evaluate take with --model.';
  static examples = [
    { description: 'Learn a model and save it in the store:', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Also write it to a file for predict, serve and evaluate --model:', command: '<%= config.bin %> <%= command.id %> --export model.json' },
    { description: 'Count inside the ClickHouse target, as JSON:', command: '<%= config.bin %> <%= command.id %> --engine clickhouse --json' },
  ];
  static flags = {
    engine: Flags.option({
      description: 'Where the counting runs: duckdb (local, default; DATA_ENGINE) or clickhouse (inside the ClickHouse target).',
      options: ENGINES,
    })(),
    export: Flags.string({ description: 'Also write the model to this JSON file (riverline-model/1).' }),
    ...storeFlags,
  };

  async run(): Promise<TrainResult> {
    const { flags } = await this.parse(Train);
    const config = this.loadConfig(flags);
    const result = await this.withProgress(TRAIN_STAGES, 'Training', (tracker) => train(config, { engine: flags.engine, exportFile: flags.export, tracker }));
    this.log(formatTrainSummary(result));
    return result;
  }
}
