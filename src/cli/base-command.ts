// Shared flags and error rendering for every command: --json, --verbose, one plain sentence per error.
import { Command, Flags, Errors } from '@oclif/core';
import { loadDotenvFile } from '../config/index.js';
import { redactSecrets } from '../config/redact.js';
import { isUserError } from '../errors.js';
import { attachPlainProgress } from '../progress/plain.js';
import type { StageTracker } from '../progress/stage-tracker.js';

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

  /** Shows progress as Ink on a terminal, plain lines elsewhere, nothing under --json. Returns a stop function. */
  protected showProgress(tracker: StageTracker, title: string): Promise<() => void> {
    if (this.jsonMode) return Promise.resolve(() => {});
    if (process.stderr.isTTY && !process.env.CI) {
      return import('../tui/progress.js').then(({ renderProgress }) => renderProgress(tracker, title));
    }
    return Promise.resolve(attachPlainProgress(tracker, (line) => process.stderr.write(`${line}\n`)));
  }

  protected printJson(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    // oclif's own exits (help, version) pass through.
    if (error instanceof Errors.ExitError) throw error;
    const clean = (text: string) => redactSecrets(text, this.secrets);
    // oclif's parser errors (unknown flag, bad option, missing argument) carry a `parse` field.
    const parseError = error instanceof Errors.CLIError && 'parse' in error;
    const firstLine = parseError ? error.message.split('\n').filter((line) => line.trim() && !line.startsWith('See more help')).join(' ') : error.message.split('\n')[0];
    const message = clean(isUserError(error) || parseError ? firstLine : `Unexpected error: ${firstLine}`);
    const actions = isUserError(error) ? error.actions.map(clean) : parseError ? ['Run with --help to see the flags.'] : ['Run again with --verbose to see where it failed.'];
    if (this.jsonMode) {
      this.printJson({ error: { code: isUserError(error) ? error.code : parseError ? 'bad_flag' : 'internal', message, actions, data: isUserError(error) ? error.data : {} } });
    } else {
      process.stderr.write(`Error: ${message}\n`);
      for (const action of actions) process.stderr.write(`  → ${action}\n`);
      if (this.verbose) process.stderr.write(`${clean(String(error.stack ?? error))}\n${error.cause ? `Caused by: ${clean(String((error.cause as Error).stack ?? error.cause))}\n` : ''}`);
    }
    process.exitCode = parseError ? 2 : 1;
  }
}
