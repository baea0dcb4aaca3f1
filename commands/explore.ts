import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags } from '../src/cli/flags.js';
import { formatRows, openExplorer } from '../src/explore/explore.js';
import { runPrompt } from '../src/explore/repl.js';
import { summarize } from '../src/explore/summary.js';

export default class Explore extends BaseCommand {
  static summary = 'SQL over a local copy of conversations, profiles and predictions: a prompt, one --query, or a --summary.';
  static examples = [
    '<%= config.bin %> explore',
    '<%= config.bin %> explore --query "SELECT topic, count(*) FROM conversations GROUP BY 1" --format csv',
    '<%= config.bin %> explore --summary',
  ];
  static flags = {
    query: Flags.string({ description: 'Run one query (DuckDB SQL) and print the result.' }),
    format: Flags.option({ description: 'Output of --query.', options: ['table', 'csv', 'json'] as const, default: 'table' })(),
    summary: Flags.boolean({ description: 'Print distributions: messages per conversation, response times by brand, topics, sentiment, channels.', default: false }),
    'allow-files': Flags.boolean({ description: 'Let queries read and write files, use the network and load extensions (off by default: explore is read-only).', default: false }),
    ...storeFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Explore);
    const config = this.loadConfig(flags);
    if (!flags.query && !flags.summary && !(process.stdin.isTTY && process.stdout.isTTY)) {
      this.error('explore opens an interactive prompt, which needs a terminal; use --query "SQL" or --summary in scripts.', { exit: 1 });
    }
    const explorer = await openExplorer(config, { allowFiles: flags['allow-files'] });
    try {
      if (flags.summary) {
        this.log(await summarize(explorer));
        return;
      }
      if (flags.query) {
        const result = await explorer.query(flags.query);
        const format = this.jsonMode ? 'json' : flags.format;
        const output = formatRows(result, format);
        // csv and json are data: exact into a pipe or a file; on a terminal they go through log's guard like the table.
        if (format !== 'table' && !process.stdout.isTTY) process.stdout.write(`${output}\n`);
        else this.log(output);
        return;
      }
      await runPrompt(explorer, { log: (text) => this.log(text) });
    } finally {
      explorer.close();
    }
  }
}
