// review's state machine, apart from the screen: what each key does to the list, the cursor, the filter, the chat
// scroll and the text being typed, and which decisions it reports. Pure: reviewKey(state, key) returns the next state
// and the effects (a decision to save, leaving) for the caller to run; review.tsx renders the state and runs them.
// Every decision it reports is complete: a channel action has a message and a send time, no_action has neither.
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
  /** The time the prediction was made as of (ISO); a new send time is proposed from it. */
  as_of?: string | null;
  /** The decision's receipt as JSON text (absent or {} for predictions made before receipts). */
  receipt?: string;
  /** The lead's latest decision, if any. */
  decision?: Review['decision'];
}

/** What the screen reports for each key press that decides; the session adds who, when and which run. */
export type Decision = Pick<Review, 'conversation_id' | 'customer_id' | 'decision' | 'channel' | 'message' | 'reason'> & { send_time: string | null };

export const CHANNELS_FOR_REVIEW: readonly string[] = CHANNELS;
export const NO_ACTION = 'no_action';

/**
 * What is missing from an action before it can be sent, in one sentence; null when it is complete. A channel action
 * needs a message and a send time; no_action sends nothing, so it must carry neither.
 */
export function actionProblem(action: { channel: string; message: string; send_time: string | null }): string | null {
  if (action.channel === NO_ACTION) return action.message.trim() || action.send_time ? 'no_action sends nothing, so it has no message or send time' : null;
  if (!action.message.trim()) return `a ${action.channel} needs a message`;
  if (!action.send_time) return `a ${action.channel} needs a send time`;
  return null;
}

/**
 * Browsing the list, reading the help, typing a filter or a reject reason, editing the message, choosing a channel,
 * or setting the send time. `channel` on edit and send_time carries a channel change through its steps.
 */
export type Mode =
  | { kind: 'list' }
  | { kind: 'help' }
  | { kind: 'filter'; text: string }
  | { kind: 'reason'; text: string }
  | { kind: 'edit'; text: string; channel: string }
  | { kind: 'channel'; choice: number }
  | { kind: 'send_time'; text: string; channel: string; message: string };

export interface ReviewState {
  items: ReviewItem[];
  filter: string;
  /** Position in the visible (filtered) list. */
  cursor: number;
  mode: Mode;
  /** Chat lines scrolled back from its end (0 shows the newest messages). */
  chatScroll: number;
  /** One sentence for the lead about the last key (a refused step), cleared by the next key. */
  notice: string;
}

/** One key press: the text it typed and the special keys held (the shape of Ink's useInput arguments, merged). */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
}

/** What the screen knows that the keys need: how far the chat can scroll and by how much a page. */
export interface ViewLimits {
  chatScrollMax: number;
  chatPage: number;
}

export type Effect = { kind: 'decision'; decision: Decision } | { kind: 'exit' };

export interface Step {
  state: ReviewState;
  effects: Effect[];
}

export function initialReviewState(items: ReviewItem[]): ReviewState {
  return { items, filter: '', cursor: 0, mode: { kind: 'list' }, chatScroll: 0, notice: '' };
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

/** A send time as the lead types it: UTC, to the minute. */
export function sendTimeText(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 16) : '';
}

/** A typed send time (YYYY-MM-DD HH:MM, UTC) as ISO text; null when it is not one. */
export function parseSendTime(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?Z?$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (time.getUTCMonth() !== month - 1 || time.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return time.toISOString();
}

/** The send time offered for an action that had none: an hour after the prediction's as-of time. */
function proposedSendTime(item: ReviewItem): string {
  if (item.send_time) return item.send_time;
  const asOf = item.as_of ? new Date(item.as_of) : new Date();
  return new Date((Number.isNaN(asOf.getTime()) ? Date.now() : asOf.getTime()) + 60 * 60 * 1000).toISOString();
}

const unchanged = (state: ReviewState): Step => ({ state, effects: [] });
const toList = (state: ReviewState, notice = ''): ReviewState => ({ ...state, mode: { kind: 'list' }, notice });
const moveTo = (state: ReviewState, cursor: number): ReviewState => ({ ...state, cursor: Math.max(0, Math.min(cursor, visibleItems(state).length - 1)), chatScroll: 0 });

/** Records a decision on the selected item (with any changes to it) and reports it; `advance` then selects the next row. */
function decide(state: ReviewState, decision: Decision['decision'], changes: Partial<ReviewItem> = {}, reason = '', advance = false): Step {
  const selected = selectedItem(state);
  if (!selected) return unchanged(state);
  const updated = { ...selected, ...changes, decision };
  const next = { ...toList(state), items: state.items.map((item) => (item.conversation_id === selected.conversation_id ? updated : item)) };
  const { conversation_id, customer_id, channel, message, send_time } = updated;
  return {
    state: advance ? moveTo(next, state.cursor + 1) : next,
    effects: [{ kind: 'decision', decision: { conversation_id, customer_id, decision, channel, message, send_time, reason } }],
  };
}

/** Text typed into a prompt: a pasted line break is a line break in a message, a space anywhere else. */
function typed(mode: Extract<Mode, { text: string }>, key: KeyPress): string | undefined {
  if (key.ctrl || key.meta || !key.input) return undefined;
  return mode.kind === 'edit' ? key.input : key.input.replace(/\n/g, ' ');
}

/** Enter in a prompt: finish the step, or say what is missing and stay. */
function finish(state: ReviewState, mode: Extract<Mode, { text: string }>, item: ReviewItem): Step {
  if (mode.kind === 'filter') return unchanged({ ...moveTo(toList(state), 0), filter: mode.text });
  if (mode.kind === 'reason') return decide(state, 'rejected', {}, mode.text.trim(), true);
  if (mode.kind === 'edit') {
    if (!mode.text.trim()) return unchanged({ ...state, notice: `A ${mode.channel} needs a message: type one, or Esc to cancel.` });
    // A changed channel, or an action without a send time, goes on to the send time.
    if (mode.channel !== item.channel || !item.send_time) return unchanged({ ...state, notice: '', mode: { kind: 'send_time', text: sendTimeText(proposedSendTime(item)), channel: mode.channel, message: mode.text } });
    return decide(state, 'edited', { message: mode.text });
  }
  const sendTime = parseSendTime(mode.text);
  if (!sendTime) return unchanged({ ...state, notice: 'Type the send time as YYYY-MM-DD HH:MM (UTC), or Esc to cancel.' });
  return decide(state, 'edited', { channel: mode.channel, message: mode.message, send_time: sendTime });
}

/** Typing a filter, a reason, a message or a send time: Enter finishes (Shift-Enter does not, in a message), Esc cancels. */
function typing(state: ReviewState, mode: Extract<Mode, { text: string }>, key: KeyPress, item: ReviewItem | undefined): Step {
  if (key.escape) return unchanged(toList(state));
  if (key.return && !(mode.kind === 'edit' && key.shift)) return item || mode.kind === 'filter' ? finish(state, mode, item!) : unchanged(toList(state));
  const retype = (text: string) => unchanged({ ...state, notice: '', mode: { ...mode, text } });
  // Ctrl-N (and Shift-Enter where the terminal tells it apart) adds a line break to a message (Enter saves).
  if (mode.kind === 'edit' && ((key.ctrl && key.input === 'n') || (key.return && key.shift))) return retype(`${mode.text}\n`);
  if (key.backspace || key.delete) return retype([...mode.text].slice(0, -1).join(''));
  const text = typed(mode, key);
  return text === undefined ? unchanged(state) : retype(mode.text + text);
}

/** Choosing a channel: ←/→ (or j/k, ↑/↓) move, 1-5 choose, Enter takes it, Esc cancels. */
function choosing(state: ReviewState, mode: Extract<Mode, { kind: 'channel' }>, key: KeyPress, item: ReviewItem | undefined): Step {
  const count = CHANNELS_FOR_REVIEW.length;
  if (key.escape || !item) return unchanged(toList(state));
  const digit = Number(key.input);
  if (Number.isInteger(digit) && digit >= 1 && digit <= count) return choosing(state, { kind: 'channel', choice: digit - 1 }, { input: '', return: true }, item);
  if (key.rightArrow || key.downArrow || key.input === 'j' || key.input === 'l') return unchanged({ ...state, mode: { kind: 'channel', choice: (mode.choice + 1) % count } });
  if (key.leftArrow || key.upArrow || key.input === 'k' || key.input === 'h') return unchanged({ ...state, mode: { kind: 'channel', choice: (mode.choice + count - 1) % count } });
  if (!key.return) return unchanged(state);
  const channel = CHANNELS_FOR_REVIEW[mode.choice];
  if (channel === item.channel) return unchanged(toList(state));
  // no_action sends nothing: the message and the send time go with the channel.
  if (channel === NO_ACTION) return decide(state, 'edited', { channel, message: '', send_time: null });
  return unchanged({ ...state, mode: { kind: 'edit', text: item.message, channel }, notice: `A ${channel} needs a message and a send time: check the message, Enter goes on.` });
}

/** What one key press does. `limits` (from the last screen drawn) bounds the chat scroll. */
export function reviewKey(state: ReviewState, key: KeyPress, limits: ViewLimits = { chatScrollMax: Number.MAX_SAFE_INTEGER, chatPage: 5 }): Step {
  const { mode } = state;
  const selected = selectedItem(state);
  if (mode.kind === 'help') return unchanged(toList(state));
  if (mode.kind === 'channel') return choosing(state, mode, key, selected);
  if (mode.kind !== 'list') return typing(state, mode, key, selected);
  const { input } = key;
  // A run of letters in the list (keys pressed faster than they were read) is each letter in turn.
  if (input.length > 1 && !key.ctrl && !key.meta) {
    let step: Step = unchanged(state);
    for (const letter of input) {
      const next = reviewKey(step.state, { input: letter }, limits);
      step = { state: next.state, effects: [...step.effects, ...next.effects] };
    }
    return step;
  }
  const listed = { ...state, notice: '' };
  if (input === 'q') return { state: listed, effects: [{ kind: 'exit' }] };
  if (key.downArrow || input === 'j') return unchanged(moveTo(listed, state.cursor + 1));
  if (key.upArrow || input === 'k') return unchanged(moveTo(listed, state.cursor - 1));
  if (input === '[' || key.pageUp) return unchanged({ ...listed, chatScroll: Math.min(state.chatScroll + limits.chatPage, limits.chatScrollMax) });
  if (input === ']' || key.pageDown) return unchanged({ ...listed, chatScroll: Math.max(Math.min(state.chatScroll, limits.chatScrollMax) - limits.chatPage, 0) });
  if (input === '?') return unchanged({ ...listed, mode: { kind: 'help' } });
  if (input === '/') return unchanged({ ...listed, mode: { kind: 'filter', text: state.filter } });
  if (!selected) return unchanged(listed);
  if (input === 'a') {
    const problem = actionProblem(selected);
    if (problem) return unchanged({ ...listed, notice: `Cannot approve: ${problem}. Press e to write it, or c to change the channel.` });
    return decide(listed, 'approved', {}, '', true);
  }
  if (input === 'r') return unchanged({ ...listed, mode: { kind: 'reason', text: '' } });
  if (input === 'e') {
    if (selected.channel === NO_ACTION) return unchanged({ ...listed, notice: 'no_action sends no message: press c to choose a channel first.' });
    return unchanged({ ...listed, mode: { kind: 'edit', text: selected.message, channel: selected.channel } });
  }
  if (input === 'c') return unchanged({ ...listed, mode: { kind: 'channel', choice: Math.max(CHANNELS_FOR_REVIEW.indexOf(selected.channel), 0) } });
  return unchanged(listed);
}
