// review's state machine, apart from the screen: what each key does to the list, the cursor, the filter and the text
// being typed, and which decisions it reports. Pure: reviewKey(state, key) returns the next state and the effects
// (a decision to save, leaving) for the caller to run; review.tsx renders the state and runs the effects.
import { CHANNELS } from '../decisions/rules.schema.js';
import type { Review } from '../stores/index.js';

export interface ReviewItem {
  conversation_id: string;
  customer_id: string;
  brand: string | null;
  channel: string;
  issue_status: string;
  send_time: string | null;
  llm_status: string;
  message: string;
  reasoning: string;
  rule_id: string;
  fired: string;
  chat_log: string;
  /** The decision's receipt as JSON text (absent or {} for predictions made before receipts). */
  receipt?: string;
  /** The lead's latest decision, if any. */
  decision?: Review['decision'];
}

/** What the screen reports for each key press that decides; the session adds who, when and which run. */
export type Decision = Pick<Review, 'conversation_id' | 'customer_id' | 'decision' | 'channel' | 'message' | 'reason'>;

export const CHANNELS_FOR_REVIEW: readonly string[] = CHANNELS;

/** Browsing the list, typing a reason, a message or a filter, or reading the help. */
export type Mode = { kind: 'list' } | { kind: 'reason'; text: string } | { kind: 'edit'; text: string } | { kind: 'filter'; text: string } | { kind: 'help' };

export interface ReviewState {
  items: ReviewItem[];
  filter: string;
  /** Position in the visible (filtered) list. */
  cursor: number;
  mode: Mode;
}

/** One key press: the text it typed and the special keys held (the shape of Ink's useInput arguments, merged). */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
}

export type Effect = { kind: 'decision'; decision: Decision } | { kind: 'exit' };

export interface Step {
  state: ReviewState;
  effects: Effect[];
}

export function initialReviewState(items: ReviewItem[]): ReviewState {
  return { items, filter: '', cursor: 0, mode: { kind: 'list' } };
}

export function matchesFilter(item: ReviewItem, filter: string): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return [item.channel, item.issue_status, item.brand ?? '', item.customer_id, item.message, item.chat_log].some((field) => field.toLowerCase().includes(needle));
}

// One entry: a key press re-filters only when the items or the filter changed, so moving through thousands stays cheap.
let lastVisible: { items: ReviewItem[]; filter: string; visible: ReviewItem[] } | null = null;

/** The items the filter lets through, in order. */
export function visibleItems(state: ReviewState): ReviewItem[] {
  if (lastVisible?.items !== state.items || lastVisible.filter !== state.filter) {
    lastVisible = { items: state.items, filter: state.filter, visible: state.items.filter((item) => matchesFilter(item, state.filter)) };
  }
  return lastVisible.visible;
}

/** The item under the cursor; undefined when nothing matches the filter. */
export function selectedItem(state: ReviewState): ReviewItem | undefined {
  const visible = visibleItems(state);
  return visible[Math.min(state.cursor, Math.max(visible.length - 1, 0))];
}

const unchanged = (state: ReviewState): Step => ({ state, effects: [] });

/** Records a decision on the selected item (with any changes to it) and reports it. */
function decide(state: ReviewState, decision: Decision['decision'], changes: Partial<ReviewItem> = {}, reason = ''): Step {
  const selected = selectedItem(state);
  if (!selected) return unchanged(state);
  const updated = { ...selected, ...changes, decision };
  return {
    state: { ...state, items: state.items.map((item) => (item.conversation_id === selected.conversation_id ? updated : item)) },
    effects: [{ kind: 'decision', decision: { conversation_id: updated.conversation_id, customer_id: updated.customer_id, decision, channel: updated.channel, message: updated.message, reason } }],
  };
}

/** Typing a reason, a message or a filter: Enter finishes (Shift-Enter does not, in a message), Esc cancels. */
function typing(state: ReviewState, mode: Extract<Mode, { text: string }>, key: KeyPress): Step {
  const list: ReviewState = { ...state, mode: { kind: 'list' } };
  if (key.escape) return unchanged(list);
  if (key.return && !(mode.kind === 'edit' && key.shift)) {
    if (mode.kind === 'reason') return decide(list, 'rejected', {}, mode.text.trim());
    if (mode.kind === 'edit') return decide(list, 'edited', { message: mode.text });
    return unchanged({ ...list, filter: mode.text, cursor: 0 });
  }
  const retype = (text: string) => unchanged({ ...state, mode: { ...mode, text } });
  // Ctrl-N adds a line break to an edited message (Enter saves).
  if (mode.kind === 'edit' && key.ctrl && key.input === 'n') return retype(`${mode.text}\n`);
  if (key.backspace || key.delete) return retype(mode.text.slice(0, -1));
  if (key.input && !key.ctrl && !key.meta) return retype(mode.text + key.input);
  return unchanged(state);
}

/** What one key press does. */
export function reviewKey(state: ReviewState, key: KeyPress): Step {
  const { mode } = state;
  if (mode.kind === 'help') return unchanged({ ...state, mode: { kind: 'list' } });
  if (mode.kind !== 'list') return typing(state, mode, key);
  const { input } = key;
  if (input === 'q') return { state, effects: [{ kind: 'exit' }] };
  const last = Math.max(visibleItems(state).length - 1, 0);
  if (key.downArrow || input === 'j') return unchanged({ ...state, cursor: Math.min(state.cursor + 1, last) });
  if (key.upArrow || input === 'k') return unchanged({ ...state, cursor: Math.max(state.cursor - 1, 0) });
  if (input === '?') return unchanged({ ...state, mode: { kind: 'help' } });
  if (input === '/') return unchanged({ ...state, mode: { kind: 'filter', text: state.filter } });
  const selected = selectedItem(state);
  if (!selected) return unchanged(state);
  if (input === 'a') return decide(state, 'approved');
  if (input === 'r') return unchanged({ ...state, mode: { kind: 'reason', text: '' } });
  if (input === 'e') return unchanged({ ...state, mode: { kind: 'edit', text: selected.message } });
  if (input === 'c') return decide(state, 'edited', { channel: CHANNELS_FOR_REVIEW[(CHANNELS_FOR_REVIEW.indexOf(selected.channel) + 1) % CHANNELS_FOR_REVIEW.length] });
  return unchanged(state);
}
