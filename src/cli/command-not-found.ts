// The command_not_found hook: `riverline ingst` names the closest command. On a terminal it hands over to
// @oclif/plugin-not-found, which asks "Did you mean ingest?" and runs it on yes; in scripts, in CI and under --json
// nobody can answer, so it fails at once with one sentence (or one JSON object) that names the suggestion.
import { Errors, toConfiguredId, type Hook } from '@oclif/core';
import askAndRun from '@oclif/plugin-not-found';
import { errorJson, writeProblem } from './base-command.js';
import { jsonForTerminal } from './terminal-text.js';

/** The exit status of an unknown command (the shell's, and @oclif/plugin-not-found's). */
export const COMMAND_NOT_FOUND_EXIT = 127;

const hook: Hook.CommandNotFound = async function (options) {
  const json = options.argv?.includes('--json') ?? false;
  if (process.stdin.isTTY && process.stderr.isTTY && !process.env.CI && !json) return askAndRun.call(this, options);
  const { config } = options;
  const typed = toConfiguredId(options.id, config);
  // Old action names (hidden aliases) count: someone typing run_pipelin means run_pipeline.
  const names = config.commands.filter((command) => !command.hidden).flatMap((command) => [command.id, ...command.aliases, ...(command.hiddenAliases ?? [])]);
  const suggestion = closest(options.id, names);
  const message = `${typed} is not a ${config.bin} command.${suggestion ? ` Did you mean ${toConfiguredId(suggestion, config)}?` : ''}`;
  const problem = { code: 'command_not_found', message, actions: [`Run ${config.bin} help for a list of commands.`], data: suggestion ? { suggestion } : {} };
  if (json) process.stdout.write(`${jsonForTerminal(errorJson(problem), 2)}\n`);
  else writeProblem(problem);
  Errors.exit(COMMAND_NOT_FOUND_EXIT);
};

export default hook;

/** The name nearest to what was typed, if it is near enough to be a typo (at most half the letters differ). */
export function closest(typed: string, names: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 2)) ? best.name : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
