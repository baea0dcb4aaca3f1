// A decision's receipt (src/decisions/policy.ts) as a few short lines for the review screen's detail pane: the
// policy and what decided, each allowed action's numbers, the features that moved the choice, the guard-rails.
import type { Receipt } from '../decisions/policy.js';

const SHORT: Record<string, string> = { twitter_public_reply: 'public', twitter_dm_reply: 'DM', email_reply: 'email', scheduling_phone_call: 'call' };
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;

/** The lines for a receipt given as JSON text; none for an empty or unreadable one (predictions made before receipts). */
export function receiptLines(text: string | undefined): string[] {
  let receipt: Partial<Receipt>;
  try {
    receipt = JSON.parse(text || '{}') as Partial<Receipt>;
  } catch {
    return [];
  }
  if (!receipt || typeof receipt !== 'object' || !receipt.policy) return [];
  const lines = [`Policy ${receipt.policy}${receipt.model_id ? ` (model ${receipt.model_id})` : ''}, decided by ${receipt.layer === 'rules' ? 'the rules' : `the ${receipt.layer} model`}`];
  const actions = (receipt.actions ?? []).filter((action) => action.propensity !== null || action.expected_value !== null);
  if (actions.length > 0) {
    const numbers = actions.map((action) => {
      const name = SHORT[action.action] ?? action.action;
      if (!action.eligible) return `${name} not allowed`;
      const parts = [action.propensity === null ? null : `p ${action.propensity.toFixed(2)}`, action.expected_value === null ? null : `EV ${action.expected_value.toFixed(2)}`];
      return `${name} ${parts.filter(Boolean).join(' ')}`;
    });
    lines.push(`Actions: ${numbers.join(' · ')}`);
  }
  if ((receipt.top_features ?? []).length > 0) lines.push(`Moved by: ${receipt.top_features!.map((f) => `${f.feature} ${signed(f.contribution)}`).join(', ')}`);
  if ((receipt.guard_rails ?? []).length > 0) lines.push(`Guard-rails: ${receipt.guard_rails!.join('; ')}`);
  return lines;
}
