import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { forTerminal, jsonForTerminal } from '../../src/cli/terminal-text.js';
import { formatRows } from '../../src/explore/explore.js';
import { attachPlainProgress, describeStage } from '../../src/progress/plain.js';
import { StageTracker } from '../../src/progress/stage-tracker.js';
import { ProgressView } from '../../src/tui/progress.js';
import { ReviewApp, type ReviewItem } from '../../src/tui/review.js';

// What hostile data carries: a colour, a screen clear, a window title (OSC ... BEL), a carriage return that
// overwrites the line, a NUL, a backspace, DEL, and the one-byte C1 CSI (0x9B) and NEL (0x85).
const HOSTILE = 'a\u001b[31mred\u001b[2J\u001b]0;pwned\u0007\rB\u0000\b\u007f\u009b6n\u0085z';
// Any control character a terminal acts on, tab and line feed excepted.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// Ink's own colour codes (ESC [ ... m) are allowed in a rendered frame; nothing else may reach the terminal.
const withoutInkColours = (frame: string) => frame.replace(/\u001b\[[0-9;]*m/g, '');

describe('forTerminal', () => {
  it('shows every control character as a visible placeholder, so no escape sequence reaches the terminal', () => {
    const shown = forTerminal(HOSTILE);
    expect(shown).not.toMatch(RAW_CONTROL);
    expect(shown).toBe('a␛[31mred␛[2J␛]0;pwned␇␍B␀␈␡⍰6n⍰z');
  });

  it('keeps printable text, other scripts, emoji, tabs and line breaks as they are', () => {
    const text = 'Café 東京 😀 — «ok»\tcolumn\nnext line';
    expect(forTerminal(text)).toBe(text);
  });

  it('puts tabs and line breaks on one line when asked', () => {
    expect(forTerminal('a\tb\nc', { singleLine: true })).toBe('a␉b␊c');
  });

  it('is stable: text already made safe does not change again', () => {
    expect(forTerminal(forTerminal(HOSTILE))).toBe(forTerminal(HOSTILE));
  });
});

describe('jsonForTerminal', () => {
  it('writes JSON that reads back to the same value and holds no raw control character, DEL or C1 included', () => {
    const value = { text: HOSTILE, nested: [HOSTILE, 1, null] };
    const json = jsonForTerminal(value, 2);
    expect(json).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json)).toEqual(value);
    // JSON.stringify alone lets DEL and C1 through: the reason this function exists.
    expect(JSON.stringify(value)).toMatch(RAW_CONTROL);
  });
});

describe('what Riverline prints from data', () => {
  it('plain progress lines carry no escapes from a stage note (a file name, a driver message)', () => {
    const tracker = new StageTracker([{ id: 'read', label: 'Read CSV' }]);
    const lines: string[] = [];
    const stop = attachPlainProgress(tracker, (line) => lines.push(line));
    tracker.start('read');
    tracker.done('read', `read ${HOSTILE}.csv`);
    stop();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(RAW_CONTROL);
    expect(lines.at(-1)).toContain('read a␛[31mred');
    expect(describeStage(tracker.stages[0])).not.toMatch(RAW_CONTROL);
  });

  it('the live progress view shows the title, labels and notes without their escapes', async () => {
    const tracker = new StageTracker([{ id: 'read', label: `Read ${HOSTILE}` }]);
    tracker.start('read');
    tracker.update('read', 10, `note ${HOSTILE}`);
    const view = render(createElement(ProgressView, { tracker, title: `Ingesting ${HOSTILE}` }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const frame = withoutInkColours(view.lastFrame() ?? '');
    view.unmount();
    expect(frame).not.toMatch(RAW_CONTROL);
    expect(frame).toContain('Ingesting a␛[31mred');
  });

  it('the review screen shows tweets, messages and reasons without their escapes', async () => {
    const item: ReviewItem = {
      conversation_id: 'conv-1',
      customer_id: `c${HOSTILE}`,
      brand: `Brand${HOSTILE}`,
      channel: 'twitter_dm_reply',
      issue_status: 'pending_customer_response',
      send_time: '2017-11-01T16:54:37.000Z',
      llm_status: 'off',
      message: `Hello ${HOSTILE}`,
      reasoning: `Because ${HOSTILE}`,
      rule_id: 'active_dm_reply',
      fired: `{"x":"${HOSTILE}"}`,
      chat_log: `Customer: ${HOSTILE}\nAgent (Brand): sorry`,
    };
    const view = render(createElement(ReviewApp, { items: [item], onDecision: () => {}, height: 20 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const frame = withoutInkColours(view.lastFrame() ?? '');
    view.unmount();
    expect(frame).not.toMatch(RAW_CONTROL);
    expect(frame).toContain('Customer: a␛[31mred');
    expect(frame).toContain('Hello a␛[31mred');
  });

  it("explore's table shows placeholders, while csv and json keep the exact value for a pipe", () => {
    const result = { columns: [`col${HOSTILE}`], rows: [{ [`col${HOSTILE}`]: `tweet ${HOSTILE}` }] };
    const table = formatRows(result, 'table');
    expect(table).not.toMatch(RAW_CONTROL);
    expect(table).toContain('tweet a␛[31mred');
    expect(formatRows(result, 'csv')).toContain(`tweet ${HOSTILE}`);
    expect(JSON.parse(formatRows(result, 'json'))).toEqual(result.rows);
  });
});
