import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags } from '../src/cli/flags.js';
import { formatRows, openExplorer } from '../src/explore/explore.js';
import { runPrompt } from '../src/explore/repl.js';
import { formatSummary, summarize, type ExploreSummary } from '../src/explore/summary.js';

/** What --json prints for --query: the columns in order and the rows, numbers as numbers. */
export interface QueryResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  row_count: number;
}

export type ExploreResult = QueryResult | ExploreSummary;

export default class Explore extends BaseCommand {
  static summary = 'SQL over a local copy of conversations, profiles and predictions: a prompt, one --query, or a --summary.';
  static description =
    'Copies what the target holds (conversations, customer_profiles, nba_predictions, and the features view joining the first two) into ' +
    'an in-memory DuckDB, so queries never touch the target. Queries are read-only: no files, network or extensions unless --allow-files.';
  static examples = [
    { description: 'An interactive SQL prompt (needs a terminal):', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'One query as CSV:', command: '<%= config.bin %> <%= command.id %> --query "SELECT topic, count(*) FROM conversations GROUP BY 1" --format csv' },
    { description: 'One query as one JSON object (columns, rows, row_count):', command: '<%= config.bin %> <%= command.id %> --query "SELECT count(*) AS n FROM nba_predictions" --json' },
    { description: 'The distributions as bar charts, or as JSON:', command: '<%= config.bin %> <%= command.id %> --summary' },
  ];
  static flags = {
    query: Flags.string({ description: 'Run one query (DuckDB SQL) and print the result.' }),
    format: Flags.option({ description: 'Output of --query (--json prints one object instead).', options: ['table', 'csv', 'json'] as const, default: 'table' })(),
    summary: Flags.boolean({ description: 'Print distributions: messages per conversation, response times by brand, topics, sentiment, channels.', default: false }),
    'allow-files': Flags.boolean({ description: 'Let queries read and write files, use the network and load extensions (off by default: explore is read-only).', default: false }),
    ...storeFlags,
  };

  async run(): Promise<ExploreResult | undefined> {
    const { flags } = await this.parse(Explore);
    const config = this.loadConfig(flags);
    if (!flags.query && !flags.summary && !(process.stdin.isTTY && process.stdout.isTTY && !this.jsonEnabled())) {
      this.error('explore opens an interactive prompt, which needs a terminal; use --query "SQL" or --summary in scripts.', { exit: 1 });
    }
    const explorer = await openExplorer(config, { allowFiles: flags['allow-files'] });
    try {
      if (flags.summary) {
        const summary = await summarize(explorer);
        this.log(formatSummary(summary));
        return summary;
      }
      if (flags.query) {
        const result = await explorer.query(flags.query);
        if (this.jsonEnabled()) return { columns: result.columns, rows: result.rows, row_count: result.rows.length };
        const output = formatRows(result, flags.format);
        // csv and json are data: exact into a pipe or a file; on a terminal they go through log's guard like the table.
        if (flags.format !== 'table' && !process.stdout.isTTY) process.stdout.write(`${output}\n`);
        else this.log(output);
        return undefined;
      }
      await runPrompt(explorer, { log: (text) => this.log(text) });
      return undefined;
    } finally {
      explorer.close();
    }
  }
}
