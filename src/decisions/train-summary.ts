// Human-readable summary of a train run, in 80 columns (the model id stays whole: --model takes it).
import { shownPath, wrapLine } from '../progress/summary-text.js';
import { ACTIONS } from './model.js';
import { OUTCOMES } from './samples.js';
import type { TrainResult } from './train.js';

export function formatTrainSummary(result: TrainResult): string {
  const n = (value: number | undefined) => (value ?? 0).toLocaleString('en-US');
  const range = `${result.time_range.from ?? '?'} to ${result.time_range.to ?? '?'}`;
  const head = result.trained
    ? [`Trained model ${result.model_id} on ${n(result.training_rows)} brand replies in ${result.seconds.toFixed(1)}s (${result.engine} engine).`, `  replies from ${range}`]
    : [`Kept model ${result.model_id}: the store has a model, so run did not train.`, `  trained ${result.trained_at} on ${n(result.training_rows)} brand replies`];
  return [
    ...head,
    '  actions taken:',
    ...ACTIONS.map((action) => `    ${action.padEnd(24)}${n(result.metrics[`action_${action}`]).padStart(9)}`),
    '  outcomes within 72 hours:',
    ...OUTCOMES.map((outcome) => `    ${outcome.padEnd(24)}${n(result.metrics[`outcome_${outcome}`]).padStart(9)}`),
    `  brands: ${n(result.metrics.brands)}; features: ${n(result.metrics.propensity_features)} (propensity), ${n(result.metrics.outcome_features)} (outcome).`,
    ...holdoutLine(result.metrics),
    result.export ? `  Wrote the model to ${shownPath(result.export)}.` : '  The model is in the models table; `train --export FILE` writes it out.',
  ]
    .map((line) => wrapLine(line))
    .join('\n');
}

function holdoutLine(metrics: Record<string, number>): string[] {
  if (metrics['holdout_rows'] === undefined) return [];
  const f = (value: number | undefined) => (value ?? 0).toFixed(3);
  return [
    `  held out, the latest ${metrics['holdout_rows'].toLocaleString('en-US')} replies: the propensity model agrees with the agents ${f(metrics['holdout_propensity_agreement'])} ` +
      `(macro-F1 ${f(metrics['holdout_propensity_macro_f1'])}; always the most common action: ${f(metrics['holdout_majority_agreement'])}); \`riverline evaluate\` compares the policies.`,
  ];
}
