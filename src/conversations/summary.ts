// Human-readable summary of a process run, in 80 columns.
import { wrapLine } from '../progress/summary-text.js';
import type { ProcessResult } from './process.js';

export function formatProcessSummary(result: ProcessResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return [
    wrapLine(`Processed ${n(result.conversations)} conversations of ${n(result.customers)} customers in ${result.seconds.toFixed(1)}s (${result.engine} engine).`),
    `  ${n(result.open_conversations)} open, ${n(result.resolved_conversations)} resolved, as of ${result.as_of}.`,
  ].join('\n');
}
