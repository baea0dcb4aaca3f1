// Shared flags and error rendering for every command: --json, --verbose, one plain sentence per error.
// --json is oclif's own (enableJsonFlag): a command returns its result and oclif prints it; text goes through log(),
// which prints nothing under --json, so stdout holds exactly one JSON object (the result, or { error }).
import { format } from 'node:util';
import { Command, Flags, Errors } from '@oclif/core';
import { loadDotenvFile, type Config } from '../config/index.js';
import { redactSecrets } from '../config/redact.js';
import { isUserError } from '../errors.js';
import { STAGING_MEMORY_MB } from '../staging/duckdb.js';
import { attachPlainProgress } from '../progress/plain.js';
import { StageTracker } from '../progress/stage-tracker.js';
import { configFromFlags, type StoreFlagValues } from './flags.js';
import { forTerminal, jsonForTerminal } from './terminal-text.js';

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true;
  static baseFlags = {
    // Same name as oclif's json flag (enableJsonFlag), so ours, with its description, is the one shown.
    json: Flags.boolean({ description: 'Print one JSON object on stdout (snake_case keys) instead of progress and text.', helpGroup: 'GLOBAL', default: false }),
    verbose: Flags.boolean({ description: 'Show stack traces on errors, and the wall time of each staging statement.', helpGroup: 'GLOBAL', default: false }),
  };

  protected verbose = false;
  protected secrets: string[] = [];
  private jsonPrinted = false;

  async init(): Promise<void> {
    await super.init();
    loadDotenvFile();
    // Read before parsing, so an error in the flags themselves still shows its stack.
    this.verbose = this.argv.includes('--verbose');
    // --verbose also prints each staging statement's wall time: where a stage spends its time.
    if (this.verbose) process.env.RIVERLINE_TIMINGS = '1';
  }

  /** Whether --json is on (oclif's jsonEnabled); kept under this name for the commands that still read it. */
  protected get jsonMode(): boolean {
    return this.jsonEnabled();
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
    if (this.jsonEnabled()) return Promise.resolve(() => {});
    if (process.stderr.isTTY && !process.env.CI) {
      return import('../tui/progress.js').then(({ renderProgress }) => renderProgress(tracker, title));
    }
    return Promise.resolve(attachPlainProgress(tracker, (line) => process.stderr.write(`${line}\n`)));
  }

  /**
   * Writes the command's one JSON object. oclif calls it with run()'s result under --json; a command that must print
   * before it returns (serve, at start-up) calls printJson, and the result is then not printed again.
   */
  logJson(value: unknown): void {
    if (this.jsonPrinted) return;
    this.jsonPrinted = true;
    process.stdout.write(`${jsonForTerminal(value, 2)}\n`);
  }

  protected printJson(value: unknown): void {
    this.logJson(value);
  }

  /** Every line a command prints goes through forTerminal: data (file names, tweets) never sends escapes. Nothing under --json. */
  log(message = '', ...args: unknown[]): void {
    super.log(forTerminal(format(message, ...args)));
  }

  async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    // oclif's own exits (help, version) pass through.
    if (error instanceof Errors.ExitError) throw error;
    const clean = (text: string) => redactSecrets(text, this.secrets);
    const problem = describeError(error, this.id);
    const shown = { ...problem, message: clean(problem.message), actions: problem.actions.map(clean), data: isUserError(error) ? error.data : {} };
    // A command that has already printed its object (serve) reports a later failure as text on stderr.
    if (this.jsonEnabled() && !this.jsonPrinted) this.logJson(errorJson(shown));
    else {
      writeProblem(shown);
      if (this.verbose) process.stderr.write(forTerminal(`${clean(String(error.stack ?? error))}\n${error.cause ? `Caused by: ${clean(String((error.cause as Error).stack ?? error.cause))}\n` : ''}`));
    }
    process.exitCode = problem.exit;
  }
}

/** The one object --json prints for an error. */
export function errorJson(problem: Pick<Problem, 'code' | 'message' | 'actions'> & { data?: Record<string, unknown> }): { error: { code: string; message: string; actions: string[]; data: Record<string, unknown> } } {
  return { error: { code: problem.code, message: problem.message, actions: problem.actions, data: problem.data ?? {} } };
}

/** An error as text on stderr: one sentence, then each next step. */
export function writeProblem(problem: Pick<Problem, 'message' | 'actions'>): void {
  process.stderr.write(`Error: ${forTerminal(problem.message, { singleLine: true })}\n`);
  for (const action of problem.actions) process.stderr.write(`  → ${forTerminal(action, { singleLine: true })}\n`);
}

export interface Problem {
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
      // "Missing 1 required arg:" is followed by the argument's line, which belongs to it.
      const message = reasons.map((line, i) => (i === 0 ? line : reasons[i - 1].endsWith(':') ? ` ${line.replace(/\s{2,}/, ' (')}${/\s{2,}/.test(line) ? ')' : ''}` : `; ${line}`)).join('');
      return { code: 'bad_flag', message: sentence(message), actions: [helpAction], exit: 2 };
    }
    // A command's own this.error(...): a sentence written for the user.
    return { code: 'command_failed', message: sentence(text.split('\n')[0]), actions: [], exit: error.oclif?.exit ?? 1 };
  }
  // DuckDB's own words, when the staging database reaches its memory limit (STAGING_MEMORY_MB) on a large file.
  if (/^Out of Memory Error/i.test(text)) {
    return {
      code: 'out_of_memory',
      message: sentence(`The staging database ran out of memory (${text.split('\n')[0].replace(/^Out of Memory Error:\s*/i, '')})`),
      actions: [`Run it again with more free memory on this machine: the staging database may use up to ${STAGING_MEMORY_MB.toLocaleString('en-US')} MB, besides the engine and Node.`],
      exit: 1,
    };
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
