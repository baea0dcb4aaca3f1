import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { engineFlag, storeFlags } from '../src/cli/flags.js';
import { PROCESS_STAGES, processConversations, type ProcessResult } from '../src/conversations/process.js';
import { formatProcessSummary } from '../src/conversations/summary.js';

export type { ProcessResult };

export default class Process extends BaseCommand {
  static summary = 'Rebuild conversations from the reply graph and compute their features and customer profiles.';
  static aliases = ['process_nba_data'];
  static examples = [
    '<%= config.bin %> process',
    '<%= config.bin %> process --engine clickhouse',
    '<%= config.bin %> process --as-of 2017-11-30T00:00:00Z --json',
  ];
  static flags = {
    engine: engineFlag,
    'as-of': Flags.string({ description: 'The moment "now" stands for (ISO); default: the newest interaction in the data.' }),
    ...storeFlags,
  };

  async run(): Promise<ProcessResult> {
    const { flags } = await this.parse(Process);
    const config = this.loadConfig(flags);
    const result = await this.withProgress(PROCESS_STAGES, 'Processing conversations', (tracker) =>
      processConversations(config, { engine: flags.engine, asOf: flags['as-of'], tracker }),
    );
    if (this.jsonMode) this.printJson(result);
    else this.log(formatProcessSummary(result));
    return result;
  }
}
