import fs from 'node:fs';
import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags } from '../src/cli/flags.js';
import { formatRows, openExplorer, type Explorer } from '../src/explore/explore.js';
import { shownPath } from '../src/progress/summary-text.js';
import { runPrompt } from '../src/explore/repl.js';
import { SUMMARY_TABLES, formatSummary, summarize, type ExploreSummary } from '../src/explore/summary.js';
import { EXPLORE_NAMES, tablesFor } from '../src/explore/views.js';

/** What --json prints for --query: the columns in order and the rows, numbers as numbers. */
export interface QueryResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  row_count: number;
}

/** What --json prints for --query with --out: the rows are in the file. */
export interface QueryFileResult {
  columns: string[];
  row_count: number;
  out: string;
  format: 'table' | 'csv' | 'json' | 'arrow';
}

export type ExploreResult = QueryResult | QueryFileResult | ExploreSummary;

export default class Explore extends BaseCommand {
  static summary = 'SQL over a local copy of conversations, profiles and predictions: a prompt, one --query, or a --summary.';
  static description =
    `Copies what the target holds (every table: ${EXPLORE_NAMES.join(', ')}) into an in-memory DuckDB, so queries never touch the target; ` +
    '--query copies only the tables it names. Queries are read-only: no files, network or extensions unless --allow-files. ' +
    'In the text table numbers are rounded to 4 decimals and right-aligned, and on a terminal the table is cut to its width; --vertical shows every field.';
  static examples = [
    { description: 'An interactive SQL prompt (needs a terminal):', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'One query as CSV:', command: '<%= config.bin %> <%= command.id %> --query "SELECT topic, count(*) FROM conversations GROUP BY 1" --format csv' },
    { description: 'One query as one JSON object (columns, rows, row_count):', command: '<%= config.bin %> <%= command.id %> --query "SELECT count(*) AS n FROM nba_predictions" --json' },
    { description: 'One query as an Arrow IPC file (pandas, polars and DuckDB open it):', command: '<%= config.bin %> <%= command.id %> --query "SELECT * FROM conversations" --format arrow --out conversations.arrow' },
    { description: 'One wide row, a line per field:', command: '<%= config.bin %> <%= command.id %> --query "SELECT * FROM nba_predictions LIMIT 1" --vertical' },
    { description: 'Why rows were rejected:', command: '<%= config.bin %> <%= command.id %> --query "SELECT reason, count(*) FROM rejected_interactions GROUP BY 1"' },
    { description: 'The distributions as bar charts (channels of the latest predict run), or as JSON:', command: '<%= config.bin %> <%= command.id %> --summary' },
  ];
  static flags = {
    query: Flags.string({ description: 'Run one query (DuckDB SQL) and print the result.' }),
    format: Flags.option({
      description: 'Output of --query (--json prints one object instead); arrow writes an Arrow IPC file and needs --out.',
      options: ['table', 'csv', 'json', 'arrow'] as const,
      default: 'table',
    })(),
    out: Flags.string({ description: 'Write the --query result to this file instead of stdout.', dependsOn: ['query'] }),
    vertical: Flags.boolean({ description: 'Print the --query table as one "column: value" line per field, rows separated (like psql\'s \\x).', default: false }),
    summary: Flags.boolean({ description: 'Print distributions: messages per conversation, response times by brand, topics, sentiment, channels of the latest predict run.', default: false }),
    'allow-files': Flags.boolean({ description: 'Let queries read and write files, use the network and load extensions (off by default: explore is read-only).', default: false }),
    ...storeFlags,
  };

  async run(): Promise<ExploreResult | undefined> {
    const { flags } = await this.parse(Explore);
    const config = this.loadConfig(flags);
    if (!flags.query && !flags.summary && !(process.stdin.isTTY && process.stdout.isTTY && !this.jsonEnabled())) {
      this.error('explore opens an interactive prompt, which needs a terminal; use --query "SQL" or --summary in scripts.', { exit: 1 });
    }
    if (flags.format === 'arrow' && !flags.out) {
      this.error('--format arrow writes a binary file: give it one with --out FILE (e.g. --out result.arrow).', { exit: 2 });
    }
    const out = flags.out ? path.resolve(flags.out) : undefined;
    if (out && !fs.existsSync(path.dirname(out))) this.error(`The folder ${path.dirname(out)} for --out does not exist.`, { exit: 1 });
    // --query and --summary copy only the tables they read; the prompt copies them all.
    const tables = flags.summary ? SUMMARY_TABLES : flags.query ? tablesFor(flags.query) : undefined;
    const explorer = await openExplorer(config, { allowFiles: flags['allow-files'], tables });
    try {
      if (flags.summary) {
        const summary = await summarize(explorer);
        this.log(formatSummary(summary));
        return summary;
      }
      if (flags.query && out) return await this.queryToFile(explorer, flags.query, out, flags.format);
      if (flags.query) {
        const result = await explorer.query(flags.query);
        if (this.jsonEnabled()) return { columns: result.columns, rows: result.rows, row_count: result.rows.length };
        const width = process.stdout.isTTY ? process.stdout.columns : undefined;
        const output = formatRows(result, flags.format === 'arrow' ? 'table' : flags.format, { width, vertical: flags.vertical });
        // csv and json are data: exact into a pipe or a file; on a terminal they go through log's guard like the table.
        if (flags.format !== 'table' && !process.stdout.isTTY) process.stdout.write(`${output}\n`);
        else this.log(output);
        return undefined;
      }
      await runPrompt(explorer, { log: (text) => this.log(text), vertical: flags.vertical });
      return undefined;
    } finally {
      explorer.close();
    }
  }

  /** The query's rows into `out`: an Arrow IPC file, or the text of the other formats (the table without a width). */
  private async queryToFile(explorer: Explorer, sql: string, out: string, format: QueryFileResult['format']): Promise<QueryFileResult> {
    let written: { columns: string[]; row_count: number };
    if (format === 'arrow') written = await explorer.queryToArrow(sql, out);
    else {
      const result = await explorer.query(sql);
      fs.writeFileSync(out, `${formatRows(result, format)}\n`);
      written = { columns: result.columns, row_count: result.rows.length };
    }
    this.log(`Wrote ${written.row_count.toLocaleString('en-US')} row${written.row_count === 1 ? '' : 's'} to ${shownPath(out)} (${format}).`);
    return { ...written, out, format };
  }
}
