import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ReviewApp, type Decision, type ReviewItem } from '../../src/tui/review.js';

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

async function type(stdin: { write(data: string): void }, keys: string[]) {
  for (const key of keys) {
    stdin.write(key);
    await tick();
  }
}

describe('the review screen', () => {
  it('approves, rejects with a reason, edits and re-routes, reporting each decision at once', async () => {
    const decisions: Decision[] = [];
    const view = render(<ReviewApp items={[item(1), item(2), item(3)]} onDecision={(d) => decisions.push(d)} height={20} />);
    await tick();
    expect(strip(view.lastFrame() ?? '')).toContain('3 of 3 actions');
    await type(view.stdin, ['a']);
    expect(decisions.at(-1)).toMatchObject({ conversation_id: 'conv-1', decision: 'approved' });
    await type(view.stdin, ['j', 'r', 'n', 'o', '\r']);
    expect(decisions.at(-1)).toMatchObject({ conversation_id: 'conv-2', decision: 'rejected', reason: 'no' });
    await type(view.stdin, ['j', 'e', '\x7f', '\x7f', 'X', '\r']);
    expect(decisions.at(-1)).toMatchObject({ conversation_id: 'conv-3', decision: 'edited', message: 'Hello X' });
    await type(view.stdin, ['c']);
    expect(decisions.at(-1)).toMatchObject({ conversation_id: 'conv-3', decision: 'edited', channel: 'twitter_public_reply' });
    const frame = strip(view.lastFrame() ?? '');
    expect(frame).toMatch(/✔ c1/);
    expect(frame).toMatch(/✘ c2/);
    expect(frame).toMatch(/✎ c3/);
    view.unmount();
  });

  it('filters by text and shows the help', async () => {
    const view = render(<ReviewApp items={[item(1), item(2), item(3)]} onDecision={() => {}} height={20} />);
    await tick();
    await type(view.stdin, ['/', 's', 'p', 'r', 'i', 'n', 't', '\r']);
    expect(strip(view.lastFrame() ?? '')).toContain('2 of 3 actions matching "sprint"');
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
    const view = render(<ReviewApp items={[item(1, { receipt: JSON.stringify(receipt) })]} onDecision={() => {}} height={30} />);
    await tick();
    const frame = strip(view.lastFrame() ?? '');
    expect(frame).toContain('Policy learned (model m-1)');
    expect(frame).toContain('Moved by: word=refund +1.25');
    expect(frame).toContain('Guard-rails: not allowed');
    view.unmount();
  });

  it('renders only a window of a long list', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => item(i));
    const view = render(<ReviewApp items={items} onDecision={() => {}} height={20} />);
    await tick();
    const frame = strip(view.lastFrame() ?? '');
    expect(frame).toContain('5000 of 5000 actions');
    expect(frame.split('\n').filter((line) => / c\d+ /.test(line)).length).toBeLessThanOrEqual(14);
    view.unmount();
  });
});
