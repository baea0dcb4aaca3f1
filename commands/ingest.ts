import { Args } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { ingestFlags, ingestOptionsOf, storeFlags } from '../src/cli/flags.js';
import { INGEST_STAGES, ingest, type IngestResult } from '../src/pipeline/ingest.js';
import { formatIngestSummary } from '../src/pipeline/summary.js';

export type { IngestResult };

export default class Ingest extends BaseCommand {
  static summary = 'Load a twcs-shaped CSV into the target database through DuckDB staging.';
  static description =
    'Reads the CSV with DuckDB, normalizes it into the interaction schema, quarantines bad rows with a reason, and loads the rest in keyed batches. Re-running the same file loads nothing new.';
  static hiddenAliases = ['run_pipeline'];
  static examples = [
    { description: 'Load the sample into the embedded ClickHouse:', command: '<%= config.bin %> <%= command.id %> examples/twcs_sample.csv' },
    { description: 'Load into Supabase (SUPABASE_DB_URL or DATABASE_URL set):', command: '<%= config.bin %> <%= command.id %> twcs.csv --db supabase' },
    { description: 'A machine-readable summary:', command: '<%= config.bin %> <%= command.id %> twcs.csv --json' },
    { description: 'A Windows-1252 export in smaller batches, older tweets quarantined:', command: '<%= config.bin %> <%= command.id %> old_export.csv --encoding windows-1252 --batch-size 100000 --not-before 2017-01-01' },
  ];
  static args = { file: Args.string({ description: 'CSV file to load', required: true }) };
  static flags = {
    ...ingestFlags,
    ...storeFlags,
  };

  async run(): Promise<IngestResult> {
    const { args, flags } = await this.parse(Ingest);
    const config = this.loadConfig(flags);
    const result = await this.withProgress(INGEST_STAGES, `Ingesting ${args.file}`, (tracker) => ingest(config, { file: args.file, ...ingestOptionsOf(flags), tracker }));
    this.log(formatIngestSummary(result));
    return result;
  }
}
