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
  static aliases = ['run_pipeline'];
  static examples = [
    '<%= config.bin %> ingest examples/twcs_sample.csv',
    '<%= config.bin %> ingest twcs.csv --db supabase',
    '<%= config.bin %> ingest twcs.csv --json',
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
    if (this.jsonMode) this.printJson(result);
    else this.log(formatIngestSummary(result));
    return result;
  }
}
