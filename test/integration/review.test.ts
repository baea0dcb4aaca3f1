import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { exportApproved, openReview } from '../../src/tui/review-session.js';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-review-'));
const home = path.join(dir, 'home');
const config = loadConfig({}, { home, db: 'chdb' });
beforeAll(async () => {
  const result = await runCli(['run', path.join(ROOT, 'examples', 'twcs_sample.csv'), '--home', home, '--out', path.join(dir, 'p.csv')]);
  expect(result.code).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('riverline review', () => {
  it('stores each decision at once, shows it again after a restart, and exports approved and edited actions', async () => {
    const first = await openReview(config, { reviewer: 'lead' });
    expect(first.items).toHaveLength(34);
    const [a, b, c] = first.items;
    await first.save({ conversation_id: a.conversation_id, customer_id: a.customer_id, decision: 'approved', channel: a.channel, message: a.message, reason: '' });
    await first.save({ conversation_id: b.conversation_id, customer_id: b.customer_id, decision: 'edited', channel: 'email_reply', message: 'Edited by hand', reason: '' });
    await first.save({ conversation_id: c.conversation_id, customer_id: c.customer_id, decision: 'rejected', channel: c.channel, message: c.message, reason: 'wrong brand' });
    // A crash here loses nothing: every save already went to nba_reviews.
    await first.close();

    const again = await openReview(config, { reviewer: 'lead' });
    expect(again.items.find((item) => item.conversation_id === b.conversation_id)).toMatchObject({ decision: 'edited', channel: 'email_reply', message: 'Edited by hand' });
    expect(again.items.find((item) => item.conversation_id === c.conversation_id)?.decision).toBe('rejected');
    await again.close();

    const out = path.join(dir, 'approved.csv');
    expect(await exportApproved(config, out)).toBe(2);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('customer_id,conversation_id,brand,channel,message,send_time,issue_status,rule_id,decision');
    expect(text).toContain('Edited by hand');
    expect(text).not.toContain(c.conversation_id);
  });

  it('explains that the screen needs a terminal, and exports from the command line', async () => {
    const screen = await runCli(['review', '--home', home]);
    expect(screen.code).toBe(1);
    expect(screen.stderr).toMatch(/needs a terminal; use --export FILE/);
    const out = path.join(dir, 'cli.csv');
    const exported = await runCli(['review', '--home', home, '--export', out, '--json']);
    expect(JSON.parse(exported.stdout)).toEqual({ exported: 2, out });
  });
});
