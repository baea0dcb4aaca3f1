// A decision's receipt (src/decisions/policy.ts) as short lines for the review screen's detail pane: the policy and
// what decided, a small table of each action's propensity and expected value, the features that moved the choice,
// and one line per guard-rail. Plain text; the screen wraps and cuts it to its width.
import type { Receipt } from '../decisions/policy.js';

const SHORT: Record<string, string> = { twitter_public_reply: 'public', twitter_dm_reply: 'DM', email_reply: 'email', scheduling_phone_call: 'call' };
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
const number = (value: number | null) => (value === null ? '-' : value.toFixed(2));

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
    lines.push('  action  propensity  expected value');
    for (const action of actions) {
      const name = (SHORT[action.action] ?? action.action).padEnd(6);
      lines.push(action.eligible ? `  ${name}  ${number(action.propensity).padStart(10)}  ${number(action.expected_value).padStart(14)}` : `  ${name}  not allowed`);
    }
  }
  if ((receipt.top_features ?? []).length > 0) lines.push(`Moved by: ${receipt.top_features!.map((f) => `${f.feature} ${signed(f.contribution)}`).join(', ')}`);
  for (const rail of receipt.guard_rails ?? []) lines.push(`Guard-rail: ${rail}`);
  return lines;
}
