// Human-readable summary of a predict run.
import type { PredictResult } from './predict.js';

export function formatPredictSummary(result: PredictResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const channels = Object.entries(result.by_channel).map(([channel, count]) => `    ${channel.padEnd(24)}${n(count).padStart(9)}`);
  return [
    `Wrote ${n(result.predictions)} predictions to ${result.out} in ${result.seconds.toFixed(1)}s (as of ${result.as_of}, run ${result.run_id}).`,
    `  skipped (already resolved): ${n(result.skipped_resolved)}`,
    '  by channel:',
    ...channels,
    `  LLM: off for all ${n(result.llm.off)} (rules only); the rows are also in the nba_predictions table.`,
  ].join('\n');
}
