// Human-readable summary of a predict run, in 80 columns: the file relative to the current folder, the run's short id
// (--json has the whole one).
import { shortId, shownPath, wrapLine } from '../progress/summary-text.js';
import type { PredictResult } from './predict.js';

export function formatPredictSummary(result: PredictResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const channels = Object.entries(result.by_channel).map(([channel, count]) => `    ${channel.padEnd(24)}${n(count).padStart(9)}`);
  return [
    `Wrote ${n(result.predictions)} predictions to ${shownPath(result.out)} in ${result.seconds.toFixed(1)}s.`,
    `  run ${shortId(result.run_id)}, as of ${result.as_of}`,
    `  skipped (already resolved): ${n(result.skipped_resolved)}`,
    policyLine(result),
    '  by channel:',
    ...channels,
    llmLine(result),
    '  The rows are also in the nba_predictions table.',
  ]
    .map((line) => wrapLine(line))
    .join('\n');
}

function policyLine(result: PredictResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const layers = Object.entries(result.by_layer).filter(([, count]) => count > 0).map(([layer, count]) => `${layer} ${n(count)}`).join(', ');
  const model = result.model_id ? ` with model ${result.model_id}` : '';
  return `  policy ${result.policy}${model}; decided by ${layers || 'nothing'} (each row's receipt says why).`;
}

function llmLine(result: PredictResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const { llm } = result;
  if (!llm.model) return `  LLM: off (${result.llm_notice ? 'not configured' : '--llm off'}); messages are rule-based.`;
  const cost = llm.cost_usd === null ? '' : `, about $${llm.cost_usd.toFixed(4)}`;
  const reasons = Object.entries(result.llm_fallback_reasons).map(([reason, count]) => `${reason} (${n(count)})`).join('; ');
  return (
    `  LLM ${llm.model}: ${n(llm.enhanced)} rewritten (${n(llm.cached)} from cache), ${n(llm.fallback)} fell back to the rule text${reasons ? `: ${reasons}` : ''}, ` +
    `${n(llm.off)} without a message to write; ${n(llm.calls)} calls, ${n(llm.prompt_tokens)} + ${n(llm.completion_tokens)} tokens${cost}.`
  );
}
