import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags, useStoreFlags } from '../src/cli/store-flags.js';
import { DB_CHOICES, loadConfig } from '../src/config/index.js';
import { ENGINES, PROCESS_STAGES, processConversations, type Engine, type ProcessResult } from '../src/conversations/process.js';
import { formatProcessSummary } from '../src/conversations/summary.js';
import { StageTracker } from '../src/progress/stage-tracker.js';

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
    db: Flags.string({ description: 'Target: clickhouse, chdb, supabase or postgres.', options: [...DB_CHOICES] }),
    engine: Flags.string({ description: 'Where to compute: duckdb (local, default; DATA_ENGINE) or clickhouse (inside the ClickHouse target).', options: [...ENGINES] }),
    'as-of': Flags.string({ description: 'The moment "now" stands for (ISO); default: the newest interaction in the data.' }),
    home: Flags.string({ description: 'Folder for local state; default $RIVERLINE_HOME or ./.riverline.' }),
    ...storeFlags,
  };

  async run(): Promise<ProcessResult> {
    const { flags } = await this.parse(Process);
    useStoreFlags(flags);
    const config = loadConfig(process.env, { db: flags.db as (typeof DB_CHOICES)[number] | undefined, home: flags.home });
    this.secrets = config.secrets;
    const tracker = new StageTracker(PROCESS_STAGES);
    const stop = await this.showProgress(tracker, 'Processing conversations');
    let result: ProcessResult;
    try {
      result = await processConversations(config, { engine: flags.engine as Engine | undefined, asOf: flags['as-of'], tracker });
    } finally {
      stop();
    }
    if (this.jsonMode) this.printJson(result);
    else this.log(formatProcessSummary(result));
    return result;
  }
}
