import { describe, expect, it } from 'vitest';
import { initialReviewState, reviewKey, selectedItem, visibleItems, type Effect, type KeyPress, type ReviewItem, type ReviewState } from '../../src/tui/review-state.js';

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
    expect(effects).toEqual([{ kind: 'decision', decision: { conversation_id: 'conv-1', customer_id: 'c1', decision: 'approved', channel: 'twitter_dm_reply', message: 'Hello c1', reason: '' } }]);
    expect(state.items[0].decision).toBe('approved');
  });

  it('rejects with the reason typed, trimmed; Esc cancels without a decision', () => {
    const rejected = press(start(), 'j', 'r', ' wrong brand ', ENTER);
    expect(rejected.effects).toEqual([{ kind: 'decision', decision: expect.objectContaining({ conversation_id: 'conv-2', decision: 'rejected', reason: 'wrong brand' }) }]);
    expect(rejected.state.mode).toEqual({ kind: 'list' });
    const cancelled = press(start(), 'r', 'no', ESC);
    expect(cancelled.effects).toEqual([]);
    expect(cancelled.state.items[0].decision).toBeUndefined();
  });

  it('edits the message: starts from the current text, backspace deletes, Ctrl-N and Shift-Enter add no decision', () => {
    const { state, effects } = press(start(), 'e', BACKSPACE, BACKSPACE, 'X', { input: 'n', ctrl: true }, { input: '', return: true, shift: true }, 'Y', ENTER);
    expect(effects).toHaveLength(1);
    expect(effects[0]).toEqual({ kind: 'decision', decision: expect.objectContaining({ decision: 'edited', message: 'Hello X\nY' }) });
    expect(state.items[0].message).toBe('Hello X\nY');
  });

  it('changes the channel to the next one, as an edit', () => {
    const { effects } = press(start(), 'c', 'c');
    expect(effects.map((effect) => effect.kind === 'decision' && effect.decision.channel)).toEqual(['twitter_public_reply', 'email_reply']);
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
    const { state, effects } = press(start(), '/', 'nobody', ENTER, 'a', 'r', 'e', 'c');
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
    press(before, 'a', 'j', 'c', '/', 'x', ENTER);
    expect(before).toEqual(copy);
  });
});
