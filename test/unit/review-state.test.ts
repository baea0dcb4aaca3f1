import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../src/tui/review-keys.js';
import { actionProblem, initialReviewState, parseSendTime, reviewKey, selectedItem, visibleItems, type Effect, type KeyPress, type ReviewItem, type ReviewState } from '../../src/tui/review-state.js';

function item(n: number, overrides: Partial<ReviewItem> = {}): ReviewItem {
  return {
    conversation_id: `conv-${n}`,
    customer_id: `c${n}`,
    brand: n % 2 ? 'sprintcare' : 'AcmeHelp',
    channel: 'twitter_dm_reply',
    issue_status: 'pending_customer_response',
    send_time: '2017-11-01T16:54:37.000Z',
    llm_status: 'off',
    message: `Hello c${n}`,
    reasoning: `Rule active_dm_reply fired for c${n}.`,
    rule_id: 'active_dm_reply',
    fired: '{}',
    chat_log: `Customer: my phone is broken ${n}`,
    ...overrides,
  };
}

const ENTER: KeyPress = { input: '', return: true };
const ESC: KeyPress = { input: '', escape: true };
const BACKSPACE: KeyPress = { input: '', backspace: true };

/** Presses the keys in turn (a string is one key per character) and collects every effect. */
function press(state: ReviewState, ...keys: Array<string | KeyPress>): { state: ReviewState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const key of keys.flatMap((k) => (typeof k === 'string' ? [...k].map((input) => ({ input })) : [k]))) {
    const step = reviewKey(state, key);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const start = () => initialReviewState([item(1), item(2), item(3)]);

describe('the review state machine', () => {
  it('approves the selected item and reports the decision', () => {
    const { state, effects } = press(start(), 'a');
    expect(effects).toEqual([
      { kind: 'decision', decision: { conversation_id: 'conv-1', customer_id: 'c1', decision: 'approved', channel: 'twitter_dm_reply', message: 'Hello c1', send_time: '2017-11-01T16:54:37.000Z', reason: '' } },
    ]);
    expect(state.items[0].decision).toBe('approved');
  });

  it('moves to the next row after approving or rejecting, not past the last', () => {
    expect(press(start(), 'a').state.cursor).toBe(1);
    expect(press(start(), 'r', 'x', ENTER).state.cursor).toBe(1);
    expect(press(start(), 'a', 'a', 'a', 'a').state.cursor).toBe(2);
  });

  it('rejects with the reason typed, trimmed; Esc cancels without a decision', () => {
    const rejected = press(start(), 'j', 'r', ' wrong brand ', ENTER);
    expect(rejected.effects).toEqual([{ kind: 'decision', decision: expect.objectContaining({ conversation_id: 'conv-2', decision: 'rejected', reason: 'wrong brand' }) }]);
    expect(rejected.state.mode).toEqual({ kind: 'list' });
    const cancelled = press(start(), 'r', 'no', ESC);
    expect(cancelled.effects).toEqual([]);
    expect(cancelled.state.items[0].decision).toBeUndefined();
  });

  it('edits the message: starts from the current text, backspace deletes, Ctrl-N and Shift-Enter add a line break', () => {
    const { state, effects } = press(start(), 'e', BACKSPACE, BACKSPACE, 'X', { input: 'n', ctrl: true }, { input: '', return: true, shift: true }, 'Y', ENTER);
    expect(effects).toHaveLength(1);
    expect(effects[0]).toEqual({ kind: 'decision', decision: expect.objectContaining({ decision: 'edited', message: 'Hello X\n\nY' }) });
    expect(state.items[0].message).toBe('Hello X\n\nY');
  });

  it('a channel change asks for the message and the send time, and reports a complete action', () => {
    const asked = press(start(), 'c', { input: '', rightArrow: true }, ENTER);
    expect(asked.state.mode).toEqual({ kind: 'edit', text: 'Hello c1', channel: 'twitter_public_reply' });
    expect(asked.effects).toEqual([]);
    const timed = press(asked.state, ENTER);
    expect(timed.state.mode).toEqual({ kind: 'send_time', text: '2017-11-01 16:54', channel: 'twitter_public_reply', message: 'Hello c1' });
    const { state, effects } = press(timed.state, BACKSPACE, BACKSPACE, '30', ENTER);
    expect(effects).toEqual([{ kind: 'decision', decision: expect.objectContaining({ decision: 'edited', channel: 'twitter_public_reply', message: 'Hello c1', send_time: '2017-11-01T16:30:00.000Z' }) }]);
    expect(state.mode).toEqual({ kind: 'list' });
  });

  it('no_action clears the message and the send time; a channel chosen for it needs both before it is saved', () => {
    const cleared = press(start(), 'c', '5');
    expect(cleared.effects).toEqual([{ kind: 'decision', decision: expect.objectContaining({ channel: 'no_action', message: '', send_time: null }) }]);
    // Back to a channel: the empty message is refused, then a send time is proposed an hour after the as-of time.
    const item = { ...cleared.state.items[0], as_of: '2017-11-01T10:00:00.000Z' };
    const state = { ...cleared.state, items: [item, ...cleared.state.items.slice(1)] };
    const empty = press(state, 'c', '3', ENTER);
    expect(empty.effects).toEqual([]);
    expect(empty.state.notice).toMatch(/needs a message/);
    const typedText = press(empty.state, 'Write to us', ENTER);
    expect(typedText.state.mode).toMatchObject({ kind: 'send_time', text: '2017-11-01 11:00' });
    const bad = press(typedText.state, 'x', ENTER);
    expect(bad.effects).toEqual([]);
    expect(bad.state.notice).toMatch(/YYYY-MM-DD HH:MM/);
    const done = press(bad.state, BACKSPACE, ENTER);
    expect(done.effects).toEqual([{ kind: 'decision', decision: expect.objectContaining({ channel: 'email_reply', message: 'Write to us', send_time: '2017-11-01T11:00:00.000Z' }) }]);
  });

  it('never reports an incomplete action: no edit of a no_action, no empty message, no approval without a send time', () => {
    const noAction = initialReviewState([item(1, { channel: 'no_action', message: '', send_time: null })]);
    expect(press(noAction, 'e').state.mode).toEqual({ kind: 'list' });
    expect(press(noAction, 'e').state.notice).toMatch(/press c/);
    const emptied = press(start(), 'e', ...Array.from({ length: 20 }, () => BACKSPACE), ENTER);
    expect(emptied.effects).toEqual([]);
    const untimed = initialReviewState([item(1, { send_time: null })]);
    expect(press(untimed, 'a').effects).toEqual([]);
    expect(press(untimed, 'a').state.notice).toMatch(/needs a send time/);
    // Every decision any of these keys made is complete.
    const all = press(start(), 'c', '2', ENTER, ENTER, 'a', 'c', '5', 'e', 'a', 'c', '1', ENTER, 'x', ENTER, ENTER);
    for (const effect of all.effects) if (effect.kind === 'decision') expect(actionProblem(effect.decision)).toBeNull();
  });

  it('reads a send time to the minute, UTC, and refuses what is not a time', () => {
    expect(parseSendTime('2017-11-01 16:30')).toBe('2017-11-01T16:30:00.000Z');
    expect(parseSendTime('2017-11-01T16:30:00.000Z')).toBe('2017-11-01T16:30:00.000Z');
    expect(parseSendTime('2017-02-30 10:00')).toBeNull();
    expect(parseSendTime('tomorrow')).toBeNull();
  });

  it('handles a burst of keys one by one: Backspaces delete, a paste is inserted, Ctrl-H deletes', () => {
    const burst = (state: ReviewState, data: string) => press(state, ...splitKeys(data));
    const deleted = burst(press(start(), 'e').state, '\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f');
    expect(deleted.state.mode).toEqual({ kind: 'edit', text: '', channel: 'twitter_dm_reply' });
    const ctrlH = burst(press(start(), 'e').state, '\b\b\bX');
    expect(ctrlH.state.mode).toMatchObject({ text: 'HelloX' });
    const pasted = burst(press(start(), 'e').state, ' - Support team\rsecond line');
    expect(pasted.state.mode).toMatchObject({ text: 'Hello c1 - Support team\nsecond line' });
    const saved = burst(pasted.state, '\r');
    expect(saved.effects).toEqual([{ kind: 'decision', decision: expect.objectContaining({ message: 'Hello c1 - Support team\nsecond line' }) }]);
    // In the list a burst of letters is each letter: jj moves twice.
    expect(burst(start(), 'jj').state.cursor).toBe(2);
  });

  it('scrolls the chat within what the screen says it holds, and back to the end on a new row', () => {
    const limits = { chatScrollMax: 7, chatPage: 5 };
    let state = reviewKey(start(), { input: '[' }, limits).state;
    expect(state.chatScroll).toBe(5);
    state = reviewKey(state, { input: '', pageUp: true }, limits).state;
    expect(state.chatScroll).toBe(7);
    state = reviewKey(state, { input: ']' }, limits).state;
    expect(state.chatScroll).toBe(2);
    expect(reviewKey(state, { input: 'j' }, limits).state.chatScroll).toBe(0);
  });

  it('moves within the visible list and never past its ends', () => {
    expect(press(start(), 'k').state.cursor).toBe(0);
    expect(press(start(), 'jjjjj').state.cursor).toBe(2);
    expect(press(start(), { input: '', downArrow: true }, { input: '', upArrow: true }).state.cursor).toBe(0);
  });

  it('filters on Enter, back to the top; the selection follows the filter', () => {
    const { state } = press(start(), 'jj', '/', 'acme', ENTER);
    expect(state.filter).toBe('acme');
    expect(state.cursor).toBe(0);
    expect(visibleItems(state).map((i) => i.customer_id)).toEqual(['c2']);
    expect(selectedItem(state)?.customer_id).toBe('c2');
    // The filter prompt starts from the current filter.
    expect(press(state, '/').state.mode).toEqual({ kind: 'filter', text: 'acme' });
  });

  it('decides nothing when nothing matches the filter', () => {
    const { state, effects } = press(start(), '/', 'nobody', ENTER, 'a', 'r', 'x', ENTER, 'e', 'c', '5');
    expect(selectedItem(state)).toBeUndefined();
    expect(effects).toEqual([]);
    expect(state.mode).toEqual({ kind: 'list' });
  });

  it('shows the help on ?, and any key goes back', () => {
    const help = press(start(), '?');
    expect(help.state.mode).toEqual({ kind: 'help' });
    const back = press(help.state, 'a');
    expect(back.state.mode).toEqual({ kind: 'list' });
    expect(back.effects).toEqual([]);
  });

  it('leaves on q, but q is text while typing', () => {
    expect(press(start(), 'q').effects).toEqual([{ kind: 'exit' }]);
    const typing = press(start(), 'r', 'q');
    expect(typing.effects).toEqual([]);
    expect(typing.state.mode).toEqual({ kind: 'reason', text: 'q' });
  });

  it('leaves the state it was given untouched', () => {
    const before = start();
    const copy = structuredClone(before);
    press(before, 'a', 'j', 'c', '5', '/', 'x', ENTER);
    expect(before).toEqual(copy);
  });
});
