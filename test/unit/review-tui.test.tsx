import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ReviewApp, type Decision, type ReviewItem } from '../../src/tui/review.js';
import { textWidth } from '../../src/tui/text-width.js';

const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

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
    fired: '{"awaiting_reply_from":"brand"}',
    chat_log: `Customer: my phone is broken ${n}\nAgent (AcmeHelp): sorry to hear`,
    ...overrides,
  };
}

/** Renders the screen in a terminal of the given size (ink-testing-library's stdout is 100 columns until told). */
async function renderAt(element: React.ReactElement, columns = 100, rows = 24) {
  const view = render(element);
  Object.defineProperty(view.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(view.stdout, 'rows', { value: rows, configurable: true });
  view.stdout.emit('resize');
  await tick();
  return view;
}

const lines = (frame: string | undefined) => strip(frame ?? '').split('\n');

async function type(stdin: { write(data: string): void }, keys: string[]) {
  for (const key of keys) {
    stdin.write(key);
    await tick();
  }
}

describe('the review screen', () => {
  it('approves, rejects with a reason, edits and re-routes, reporting each decision at once', async () => {
    const decisions: Decision[] = [];
    const view = await renderAt(<ReviewApp items={[item(1), item(2), item(3)]} onDecision={(d) => decisions.push(d)} />, 100, 20);
    await tick();
    expect(strip(view.lastFrame() ?? '')).toContain('Review 3 actions');
    await type(view.stdin, ['a']);
    expect(decisions.at(-1)).toMatchObject({ conversation_id: 'conv-1', decision: 'approved' });
    // a moved to the next row; so does a rejection.
    await type(view.stdin, ['r', 'n', 'o', '\r']);
    expect(decisions.at(-1)).toMatchObject({ conversation_id: 'conv-2', decision: 'rejected', reason: 'no' });
    await type(view.stdin, ['e', '\x7f', '\x7f', 'X', '\r']);
    expect(decisions.at(-1)).toMatchObject({ conversation_id: 'conv-3', decision: 'edited', message: 'Hello X' });
    await type(view.stdin, ['c', '2', '\r', '\r']);
    expect(decisions.at(-1)).toMatchObject({ conversation_id: 'conv-3', decision: 'edited', channel: 'twitter_public_reply', send_time: '2017-11-01T16:54:00.000Z' });
    const frame = strip(view.lastFrame() ?? '');
    expect(frame).toMatch(/✔ c1/);
    expect(frame).toMatch(/✘ c2/);
    expect(frame).toMatch(/✎ c3/);
    view.unmount();
  });

  it('filters by text and shows the help', async () => {
    const view = await renderAt(<ReviewApp items={[item(1), item(2), item(3)]} onDecision={() => {}} />, 100, 20);
    await tick();
    await type(view.stdin, ['/', 's', 'p', 'r', 'i', 'n', 't', '\r']);
    expect(strip(view.lastFrame() ?? '')).toContain('filter "sprint": 2 shown');
    await type(view.stdin, ['?']);
    expect(strip(view.lastFrame() ?? '')).toContain('reject with a reason');
    view.unmount();
  });

  it("shows the selected decision's receipt in the detail pane, a short line per part", async () => {
    const receipt = {
      policy: 'learned',
      model_id: 'm-1',
      layer: 'outcome',
      actions: [
        { action: 'twitter_public_reply', eligible: true, propensity: 0.6, expected_value: 0.17 },
        { action: 'twitter_dm_reply', eligible: true, propensity: 0.3, expected_value: 0.8 },
        { action: 'email_reply', eligible: false, propensity: 0.06, expected_value: null },
        { action: 'scheduling_phone_call', eligible: false, propensity: 0.04, expected_value: null },
      ],
      top_features: [{ feature: 'word=refund', contribution: 1.25 }],
      guard_rails: ['not allowed here: email_reply, scheduling_phone_call'],
    };
    const view = await renderAt(<ReviewApp items={[item(1, { receipt: JSON.stringify(receipt) })]} onDecision={() => {}} />, 160, 45);
    await tick();
    const frame = strip(view.lastFrame() ?? '');
    expect(frame).toContain('Policy learned (model m-1)');
    expect(frame).toContain('Moved by: word=refund +1.25');
    expect(frame).toContain('Guard-rail: not allowed');
    expect(frame).toMatch(/DM\s+0\.30\s+0\.80/);
    view.unmount();
  });

  it('renders only a window of a long list', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => item(i));
    const view = await renderAt(<ReviewApp items={items} onDecision={() => {}} />, 100, 20);
    const frame = strip(view.lastFrame() ?? '');
    expect(frame).toContain('Review 5000 actions');
    expect(frame.split('\n').filter((line) => / c\d+ /.test(line)).length).toBeLessThanOrEqual(14);
    view.unmount();
  });

  const long = 'Thanks for reaching out, we are sorry about the trouble with your order. '.repeat(3);
  const crowded = Array.from({ length: 60 }, (_, i) =>
    item(i, {
      brand: i % 3 ? 'VerizonSupport' : 'marksandspencer',
      customer_id: `1157${String(i).padStart(2, '0')}`,
      message: `${long}日本語のテキスト 🎉`,
      chat_log: Array.from({ length: 12 }, (_, n) => (n % 2 ? `Agent (VerizonSupport): ${long}` : `Customer: @VerizonSupport ${long} 😡😡`)).join('\n'),
      receipt: JSON.stringify({ policy: 'learned', model_id: 'm-1', layer: 'propensity', actions: [{ action: 'twitter_dm_reply', eligible: true, propensity: 0.5, expected_value: 0.2 }], top_features: [{ feature: 'escalating', contribution: -1.3 }], guard_rails: [long] }),
    }),
  );

  for (const [columns, rows] of [[80, 24], [120, 30], [160, 45], [200, 50]] as const) {
    it(`fits a ${columns}×${rows} terminal in every mode: no line wider, no more lines than rows`, async () => {
      const view = await renderAt(<ReviewApp items={crowded} onDecision={() => {}} />, columns, rows);
      const check = (what: string) => {
        const frame = lines(view.lastFrame());
        expect(frame.length, `${what}: ${frame.length} lines`).toBeLessThanOrEqual(rows);
        for (const line of frame) expect(textWidth(line), `${what}: ${line}`).toBeLessThanOrEqual(columns);
        return frame;
      };
      const list = check('list');
      expect(list[0]).toContain('Review 60 actions');
      expect(list[1]).toMatch(/customer\s+brand\s+channel\s+status/);
      // A brand name is not cut when there is room for it.
      expect(list.join('\n')).toContain('marksandspencer');
      await type(view.stdin, ['e']);
      expect(check('edit').at(-1)).toContain('Enter save');
      await type(view.stdin, ['\u001b', 'c']);
      expect(check('channel').at(-1)).toContain('Enter take');
      await type(view.stdin, ['\u001b', '[', '[', '/']);
      check('filter');
      await type(view.stdin, ['\u001b', '?']);
      check('help');
      view.unmount();
    });
  }

  it('scrolls the chat with [ and ], showing whole messages wrapped', async () => {
    const view = await renderAt(<ReviewApp items={crowded} onDecision={() => {}} />, 120, 30);
    const atEnd = lines(view.lastFrame()).join('\n');
    expect(atEnd).toMatch(/Chat · lines \d+-(\d+) of \1/);
    await type(view.stdin, ['[', '[', '[', '[', '[', '[', '[', '[', '[', '[']);
    expect(lines(view.lastFrame()).join('\n')).toMatch(/Chat · lines 1-/);
    expect(lines(view.lastFrame()).join('\n')).toContain('Customer: @VerizonSupport Thanks for reaching out');
    await type(view.stdin, [']', ']', ']', ']', ']', ']', ']', ']', ']', ']']);
    expect(lines(view.lastFrame()).join('\n')).toBe(atEnd);
    view.unmount();
  });

  it('takes a burst of Backspaces and a paste as separate keys, as a terminal sends them', async () => {
    const decisions: Decision[] = [];
    const view = await renderAt(<ReviewApp items={[item(1, { message: 'Hello, the Support team' })]} onDecision={(d) => decisions.push(d)} />, 80, 24);
    await type(view.stdin, ['e', '\x7f'.repeat(13), '\b\b\b', 'Riverline team', '\r']);
    expect(decisions).toEqual([expect.objectContaining({ decision: 'edited', message: 'Hello, Riverline team' })]);
    expect(decisions[0].message).not.toMatch(/[\x00-\x1f\x7f]/);
    view.unmount();
  });

  it('the footer shows the keys of the current mode', async () => {
    const view = await renderAt(<ReviewApp items={[item(1)]} onDecision={() => {}} />, 120, 30);
    expect(lines(view.lastFrame()).at(-1)).toContain('a approve');
    await type(view.stdin, ['e']);
    expect(lines(view.lastFrame()).at(-1)).toContain('Ctrl-N new line');
    await type(view.stdin, ['\u001b', 'r']);
    expect(lines(view.lastFrame()).at(-1)).toContain('Enter reject');
    view.unmount();
  });
});
