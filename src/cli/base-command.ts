// Shared flags and error rendering for every command: --json, --verbose, one plain sentence per error.
import { format } from 'node:util';
import { Command, Flags, Errors } from '@oclif/core';
import { loadDotenvFile, type Config } from '../config/index.js';
import { redactSecrets } from '../config/redact.js';
import { isUserError } from '../errors.js';
import { attachPlainProgress } from '../progress/plain.js';
import { StageTracker } from '../progress/stage-tracker.js';
import { configFromFlags, type StoreFlagValues } from './flags.js';
import { forTerminal, jsonForTerminal } from './terminal-text.js';

export abstract class BaseCommand extends Command {
  static baseFlags = {
    json: Flags.boolean({ description: 'Print one JSON object on stdout instead of progress and text.', default: false }),
    verbose: Flags.boolean({ description: 'Show stack traces on errors.', default: false }),
  };

  protected jsonMode = false;
  protected verbose = false;
  protected secrets: string[] = [];

  async init(): Promise<void> {
    await super.init();
    loadDotenvFile();
    this.jsonMode = this.argv.includes('--json');
    this.verbose = this.argv.includes('--verbose');
  }

  /** The config from the environment and the store flags (see flags.ts); its secrets are hidden from every error after. */
  protected loadConfig(flags: StoreFlagValues): Config {
    const config = configFromFlags(flags);
    this.secrets = config.secrets;
    return config;
  }

  /** Runs a job with its stages shown; the view stops however the job ends. */
  protected async withProgress<T>(stages: ReadonlyArray<{ id: string; label: string }>, title: string, job: (tracker: StageTracker) => Promise<T>): Promise<T> {
    const tracker = new StageTracker([...stages]);
    const stop = await this.showProgress(tracker, title);
    try {
      return await job(tracker);
    } finally {
      stop();
    }
  }

  /** Shows progress as Ink on a terminal, plain lines elsewhere, nothing under --json. Returns a stop function. */
  private showProgress(tracker: StageTracker, title: string): Promise<() => void> {
    if (this.jsonMode) return Promise.resolve(() => {});
    if (process.stderr.isTTY && !process.env.CI) {
      return import('../tui/progress.js').then(({ renderProgress }) => renderProgress(tracker, title));
    }
    return Promise.resolve(attachPlainProgress(tracker, (line) => process.stderr.write(`${line}\n`)));
  }

  protected printJson(value: unknown): void {
    process.stdout.write(`${jsonForTerminal(value, 2)}\n`);
  }

  /** Every line a command prints goes through forTerminal: data (file names, tweets) never sends escapes. */
  log(message = '', ...args: unknown[]): void {
    super.log(forTerminal(format(message, ...args)));
  }

  async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    // oclif's own exits (help, version) pass through.
    if (error instanceof Errors.ExitError) throw error;
    const clean = (text: string) => redactSecrets(text, this.secrets);
    const problem = describeError(error, this.id);
    const message = clean(problem.message);
    const actions = problem.actions.map(clean);
    if (this.jsonMode) {
      this.printJson({ error: { code: problem.code, message, actions, data: isUserError(error) ? error.data : {} } });
    } else {
      process.stderr.write(`Error: ${forTerminal(message, { singleLine: true })}\n`);
      for (const action of actions) process.stderr.write(`  → ${forTerminal(action, { singleLine: true })}\n`);
      if (this.verbose) process.stderr.write(forTerminal(`${clean(String(error.stack ?? error))}\n${error.cause ? `Caused by: ${clean(String((error.cause as Error).stack ?? error.cause))}\n` : ''}`));
    }
    process.exitCode = problem.exit;
  }
}

interface Problem {
  code: string;
  message: string;
  actions: string[];
  exit: number;
}

// What oclif's flag parser makes of a value the flag refuses (an integer out of range, a custom parse failure).
const FLAG_VALUE_ERROR = /^Parsing --([\w-]+)\s*\n\t([\s\S]*?)\s*(?:\nSee more help with --help)?$/;

/** Turns any error into one sentence, next steps, a code and an exit status: 2 for a bad flag, 1 otherwise. */
export function describeError(error: Error & { oclif?: { exit?: number } }, commandId?: string): Problem {
  const helpAction = `Run ${['riverline', commandId, '--help'].filter(Boolean).join(' ')} to see the flags and the values they take.`;
  if (isUserError(error)) return { code: error.code, message: error.message, actions: error.actions, exit: 1 };
  // oclif colours parts of its messages on a terminal; other escapes are the user's input and are shown, not dropped.
  const text = error.message.replace(/\u001b\[[0-9;]*m/g, '');
  const flagValue = FLAG_VALUE_ERROR.exec(text);
  if (flagValue) {
    const reason = flagValue[2].split('\n').map((line) => line.trim()).filter(Boolean).join(' ');
    return { code: 'bad_flag', message: sentence(`Bad value for --${flagValue[1]}: ${lowerFirst(reason)}`), actions: [helpAction], exit: 2 };
  }
  if (error instanceof Errors.CLIError) {
    // The parser's own errors (unknown flag, bad option, missing argument or flag) carry a `parse` field.
    if ('parse' in error) {
      const lines = text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('See more help'));
      const reasons = /^The following errors? occurred:$/.test(lines[0] ?? '') ? lines.slice(1) : lines;
      return { code: 'bad_flag', message: sentence(reasons.join('; ')), actions: [helpAction], exit: 2 };
    }
    // A command's own this.error(...): a sentence written for the user.
    return { code: 'command_failed', message: sentence(text.split('\n')[0]), actions: [], exit: error.oclif?.exit ?? 1 };
  }
  return { code: 'internal', message: `Unexpected error: ${text.split('\n')[0]}`, actions: ['Run again with --verbose to see where it failed.'], exit: 1 };
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function lowerFirst(text: string): string {
  // "Expected an integer ..." reads as part of the sentence; an all-caps word (a name) stays as it is.
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}
