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
    expect(first.items).toHaveLength(33);
    const [a, b, c] = first.items;
    await first.save({ conversation_id: a.conversation_id, customer_id: a.customer_id, decision: 'approved', channel: a.channel, message: a.message, send_time: a.send_time, reason: '' });
    await first.save({ conversation_id: b.conversation_id, customer_id: b.customer_id, decision: 'edited', channel: 'email_reply', message: 'Edited by hand', send_time: '2017-11-02T09:30:00.000Z', reason: '' });
    await first.save({ conversation_id: c.conversation_id, customer_id: c.customer_id, decision: 'rejected', channel: c.channel, message: c.message, send_time: c.send_time, reason: 'wrong brand' });
    // A crash here loses nothing: every save already went to nba_reviews.
    await first.close();

    const again = await openReview(config, { reviewer: 'lead' });
    expect(again.items.find((item) => item.conversation_id === b.conversation_id)).toMatchObject({ decision: 'edited', channel: 'email_reply', message: 'Edited by hand', send_time: '2017-11-02T09:30:00.000Z' });
    expect(again.items.find((item) => item.conversation_id === c.conversation_id)?.decision).toBe('rejected');
    await again.close();

    const out = path.join(dir, 'approved.csv');
    expect(await exportApproved(config, out)).toEqual({ exported: 2, incomplete: 0 });
    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('customer_id,conversation_id,brand,channel,message,send_time,issue_status,rule_id,decision');
    expect(text).toContain('Edited by hand');
    expect(text).toContain('2017-11-02T09:30:00.000Z');
    expect(text).not.toContain(c.conversation_id);
  });

  it('explains that the screen needs a terminal, and exports from the command line', async () => {
    const screen = await runCli(['review', '--home', home]);
    expect(screen.code).toBe(1);
    expect(screen.stderr).toMatch(/needs a terminal; use --export FILE/);
    const out = path.join(dir, 'cli.csv');
    const exported = await runCli(['review', '--home', home, '--export', out, '--json']);
    expect(JSON.parse(exported.stdout)).toEqual({ exported: 2, incomplete: 0, out });
  });

  it('the export never holds a channel action without a message or send time, nor a no_action with a message', async () => {
    const session = await openReview(config, { reviewer: 'lead' });
    const [d, e, f] = session.items.slice(3);
    const decide = (item: typeof d, changes: { channel: string; message: string; send_time: string | null }) =>
      session.save({ conversation_id: item.conversation_id, customer_id: item.customer_id, decision: 'edited', reason: '', ...changes });
    // What an older review could have stored: a public reply with no text or time, a no_action with text.
    await decide(d, { channel: 'twitter_public_reply', message: '', send_time: null });
    await decide(e, { channel: 'no_action', message: 'Hello there', send_time: null });
    await decide(f, { channel: 'no_action', message: '', send_time: null });
    await session.close();
    const out = path.join(dir, 'checked.csv');
    expect(await exportApproved(config, out)).toEqual({ exported: 3, incomplete: 2 });
    const rows = fs.readFileSync(out, 'utf8').trim().split('\n').slice(1);
    expect(rows.some((row) => row.startsWith(`${d.customer_id},${d.conversation_id}`))).toBe(false);
    expect(rows.some((row) => row.startsWith(`${e.customer_id},${e.conversation_id}`))).toBe(false);
    expect(rows.find((row) => row.startsWith(`${f.customer_id},${f.conversation_id}`))).toMatch(/,no_action,("")?,,/);
  });

  it('--file takes only a predictions file: raw tweets get one sentence and exit 1', async () => {
    const tweets = await runCli(['review', '--home', home, '--file', path.join(ROOT, 'examples', 'twcs_sample.csv'), '--export', path.join(dir, 'x.csv')]);
    expect(tweets.code).toBe(1);
    expect(tweets.stderr).toMatch(/twcs_sample\.csv does not hold predictions \(it has no run_id, customer_id, conversation_id, channel, message, send_time columns\)/);
  });

  it('--file with --export writes the decisions on the file\'s run', async () => {
    const out = path.join(dir, 'from-file.csv');
    const exported = await runCli(['review', '--home', home, '--file', path.join(dir, 'p.csv'), '--export', out, '--json']);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual({ exported: 3, incomplete: 2, out });
    expect(fs.readFileSync(out, 'utf8')).toContain('Edited by hand');
  });
});
