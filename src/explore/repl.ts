// explore's interactive prompt: DuckDB SQL with history and tab completion of table and column names. A statement
// ends with ';' and may span lines; a failed query prints its one-sentence reason and the prompt goes on. Ctrl-D leaves.
import readline from 'node:readline';
import { isUserError } from '../errors.js';
import { formatRows, type Explorer } from './explore.js';
import { wrapLine } from '../progress/summary-text.js';
import { EXPLORE_NAMES } from './views.js';

export interface PromptOptions {
  /** Prints one block of text: the command's log, which shows control characters from the data as placeholders. */
  log: (text: string) => void;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Start with one `column: value` line per field; \x switches. */
  vertical?: boolean;
}

const PROMPT = 'riverline> ';
const CONTINUED = '       ...> ';

/** Tab completion: the names that start with the word being typed, and that word. */
export function completeName(names: readonly string[], line: string): [string[], string] {
  const word = /[A-Za-z_]*$/.exec(line)?.[0] ?? '';
  return [names.filter((name) => name.startsWith(word)), word];
}

export async function runPrompt(explorer: Explorer, options: PromptOptions): Promise<void> {
  const names = await explorer.names();
  const rl = readline.createInterface({
    input: options.input ?? process.stdin,
    output: options.output ?? process.stdout,
    historySize: 500,
    completer: (line: string) => completeName(names, line),
  });
  options.log(`${wrapLine(`Tables: ${EXPLORE_NAMES.join(', ')}.`)}\nEnd a statement with ";", \\x switches to a line per field, Ctrl-D leaves.`);
  let vertical = options.vertical ?? false;
  let buffer = '';
  rl.setPrompt(PROMPT);
  rl.prompt();
  for await (const line of rl) {
    if (buffer === '' && line.trim() === '\\x') {
      vertical = !vertical;
      options.log(`One line per field is ${vertical ? 'on' : 'off'}.`);
      rl.prompt();
      continue;
    }
    buffer += `${line}\n`;
    if (!buffer.trim().endsWith(';')) {
      rl.setPrompt(CONTINUED);
      rl.prompt();
      continue;
    }
    try {
      const output = options.output ?? process.stdout;
      const width = 'columns' in output && typeof output.columns === 'number' ? output.columns : undefined;
      options.log(formatRows(await explorer.query(buffer), 'table', { width, vertical }));
    } catch (error) {
      options.log(isUserError(error) ? [error.message, ...error.actions.map((action) => `  → ${action}`)].join('\n') : String(error));
    }
    buffer = '';
    rl.setPrompt(PROMPT);
    rl.prompt();
  }
}
