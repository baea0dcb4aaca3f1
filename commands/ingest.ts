import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags, useStoreFlags } from '../src/cli/store-flags.js';
import { ingestFlags, ingestOptionsOf } from '../src/cli/ingest-flags.js';
import { DB_CHOICES, loadConfig } from '../src/config/index.js';
import { INGEST_STAGES, ingest, type IngestResult } from '../src/pipeline/ingest.js';
import { formatIngestSummary } from '../src/pipeline/summary.js';
import { StageTracker } from '../src/progress/stage-tracker.js';

export type { IngestResult };

export default class Ingest extends BaseCommand {
  static summary = 'Load a twcs-shaped CSV into the target database through DuckDB staging.';
  static description =
    'Reads the CSV with DuckDB, normalizes it into the interaction schema, quarantines bad rows with a reason, and loads the rest in keyed batches. Re-running the same file loads nothing new.';
  static aliases = ['run_pipeline'];
  static examples = [
    '<%= config.bin %> ingest examples/twcs_sample.csv',
    '<%= config.bin %> ingest twcs.csv --db supabase',
    '<%= config.bin %> ingest twcs.csv --json',
  ];
  static args = { file: Args.string({ description: 'CSV file to load', required: true }) };
  static flags = {
    db: Flags.string({ description: 'Target: clickhouse (embedded unless CLICKHOUSE_URL/HOST is set), chdb (always embedded), supabase or postgres.', options: [...DB_CHOICES] }),
    'batch-size': Flags.integer({ description: 'Rows per load batch (default 500000).', min: 1, max: 100_000_000 }),
    ...ingestFlags,
    home: Flags.string({ description: 'Folder for local state (staging DuckDB, embedded ClickHouse); default $RIVERLINE_HOME or ./.riverline.' }),
    ...storeFlags,
  };

  async run(): Promise<IngestResult> {
    const { args, flags } = await this.parse(Ingest);
    useStoreFlags(flags);
    const config = loadConfig(process.env, { db: flags.db as (typeof DB_CHOICES)[number] | undefined, home: flags.home, batchSize: flags['batch-size'] });
    this.secrets = config.secrets;
    const tracker = new StageTracker(INGEST_STAGES);
    const stop = await this.showProgress(tracker, `Ingesting ${args.file}`);
    let result: IngestResult;
    try {
      result = await ingest(config, { file: args.file, ...ingestOptionsOf(flags), tracker });
    } finally {
      stop();
    }
    if (this.jsonMode) this.printJson(result);
    else this.log(formatIngestSummary(result));
    return result;
  }
}
