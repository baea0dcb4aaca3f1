// Human-readable summary of a predict run.
import type { PredictResult } from './predict.js';

export function formatPredictSummary(result: PredictResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const channels = Object.entries(result.by_channel).map(([channel, count]) => `    ${channel.padEnd(24)}${n(count).padStart(9)}`);
  return [
    `Wrote ${n(result.predictions)} predictions to ${result.out} in ${result.seconds.toFixed(1)}s (as of ${result.as_of}, run ${result.run_id}).`,
    `  skipped (already resolved): ${n(result.skipped_resolved)}`,
    policyLine(result),
    '  by channel:',
    ...channels,
    llmLine(result),
    '  The rows are also in the nba_predictions table.',
  ].join('\n');
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
