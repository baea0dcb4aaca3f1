import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { engineFlag, storeFlags } from '../src/cli/flags.js';
import { PROCESS_STAGES, processConversations, type ProcessResult } from '../src/conversations/process.js';
import { formatProcessSummary } from '../src/conversations/summary.js';

export type { ProcessResult };

export default class Process extends BaseCommand {
  static summary = 'Rebuild conversations from the reply graph and compute their features and customer profiles.';
  static description =
    'Threads the loaded interactions into conversations by their replies, computes each conversation\'s features (topic, sentiment, ' +
    'urgency, response times, resolution) and each customer\'s profile, then swaps the conversations, customer_profiles and ' +
    'conversation_messages tables in at once, so readers never see half-written tables.';
  static hiddenAliases = ['process_nba_data'];
  static examples = [
    { description: 'Compute locally in DuckDB:', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Compute inside the ClickHouse target:', command: '<%= config.bin %> <%= command.id %> --engine clickhouse' },
    { description: 'A fixed "now", as JSON:', command: '<%= config.bin %> <%= command.id %> --as-of 2017-11-30T00:00:00Z --json' },
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
    this.log(formatProcessSummary(result));
    return result;
  }
}
