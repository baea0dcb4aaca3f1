// Human-readable summary of a process run.
import type { ProcessResult } from './process.js';

export function formatProcessSummary(result: ProcessResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return (
    `Processed ${n(result.conversations)} conversations of ${n(result.customers)} customers ` +
    `(${n(result.open_conversations)} open, ${n(result.resolved_conversations)} resolved) as of ${result.as_of} ` +
    `with the ${result.engine} engine in ${result.seconds.toFixed(1)}s.`
  );
}
