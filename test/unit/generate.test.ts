import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIONS, type Action } from '../../src/decisions/model.js';
import {
  CAUSAL_MODEL, ESCALATED_FOLLOW_UPS, OPENERS, OUTCOME_TOPICS, REPLIES, RESOLVED_FOLLOW_UPS, brandStyle, loggingPolicy, resolutionProbability, type GeneratedDecision,
} from '../../src/generate/outcomes.js';
import { BRANDS, formatTwitterTime, generateTwcs, TWCS_HEADER } from '../../src/generate/twcs.js';
import lexicon from '../../src/model/lexicon.json' with { type: 'json' };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-generate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('generateTwcs', () => {
  it('writes the same file for the same seed and a different one for another seed', () => {
    const a = generateTwcs({ rows: 500, out: path.join(dir, 'a.csv'), seed: 7 });
    const b = generateTwcs({ rows: 500, out: path.join(dir, 'b.csv'), seed: 7 });
    const c = generateTwcs({ rows: 500, out: path.join(dir, 'c.csv'), seed: 8 });
    expect(fs.readFileSync(a.out, 'utf8')).toBe(fs.readFileSync(b.out, 'utf8'));
    expect(fs.readFileSync(a.out, 'utf8')).not.toBe(fs.readFileSync(c.out, 'utf8'));
  });

  it('writes exactly the rows asked for, with the twcs header and malformed rows of every kind', () => {
    const result = generateTwcs({ rows: 1000, out: path.join(dir, 'm.csv'), seed: 1, malformed: 10 });
    expect(result.rows).toBe(1000);
    expect(Object.values(result.malformed)).toEqual([2, 2, 2, 2, 2]);
    const text = fs.readFileSync(result.out, 'utf8');
    expect(text.startsWith(`${TWCS_HEADER}\n`)).toBe(true);
    expect(text).toContain('not a date');
  });

  it('builds reply threads: brand replies point at customer tweets and list their responses', () => {
    const result = generateTwcs({ rows: 200, out: path.join(dir, 't.csv'), seed: 3 });
    const lines = fs.readFileSync(result.out, 'utf8').split('\n').slice(1).filter((line) => /^\d+,/.test(line));
    const brandReply = lines.find((line) => /^\d+,[A-Za-z_]+,False,/.test(line) && /,\d+$/.test(line));
    expect(brandReply).toBeDefined();
    const parentId = brandReply!.split(',').at(-1);
    const parent = lines.find((line) => line.startsWith(`${parentId},`));
    expect(parent).toMatch(/^\d+,\d+,True,/);
  });

  it('formats timestamps as twcs does', () => {
    expect(formatTwitterTime(Date.UTC(2017, 9, 31, 22, 10, 47))).toBe('Tue Oct 31 22:10:47 +0000 2017');
  });

  it('writes free-form threads byte for byte as pinned (calibrated on the real twcs slices, issue 13)', () => {
    const result = generateTwcs({ rows: 3000, out: path.join(dir, 'pinned.csv'), seed: 42, malformed: 10 });
    const digest = crypto.createHash('sha256').update(fs.readFileSync(result.out)).digest('hex');
    expect(digest).toBe('fa56e4b03e49b3cafbb7e1ae1ce8746f1cc06cc46c9ec9a65fef781665bca9c7');
  });
});

// The lexicon's matching, as the engines do it: whole lower-case tokens.
const tokens = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9']+/g) ?? []);
const hits = (text: string, terms: string[]) => [...tokens(text)].filter((token) => terms.includes(token)).length;
const topicOf = (text: string) => {
  const counts = Object.entries(lexicon.topics).map(([topic, terms]) => ({ topic, n: hits(text, terms) }));
  const best = Math.max(...counts.map((c) => c.n));
  const top = counts.filter((c) => c.n === best);
  return best > 0 && top.length === 1 ? top[0].topic : null;
};
const CUES: Record<Action, string[]> = { twitter_public_reply: [], twitter_dm_reply: lexicon.ask_dm, email_reply: lexicon.ask_email, scheduling_phone_call: lexicon.ask_phone };

describe('generate --outcomes: the causal model', () => {
  it('writes texts the pipeline reads back as the model meant: the topic, the channel cue, thanks or a complaint', () => {
    for (const topic of OUTCOME_TOPICS) for (const text of OPENERS[topic]) expect({ text, topic: topicOf(text) }).toEqual({ text, topic });
    for (const action of ACTIONS) {
      for (const text of REPLIES[action]) {
        const cues = ACTIONS.filter((a) => hits(text, CUES[a]) > 0);
        expect({ text, cues }).toEqual({ text, cues: action === 'twitter_public_reply' ? [] : [action] });
      }
    }
    for (const text of RESOLVED_FOLLOW_UPS) {
      expect(hits(text, [...lexicon.gratitude, ...lexicon.fixed])).toBeGreaterThan(0);
      expect(hits(text, lexicon.negation)).toBe(0);
    }
    for (const text of ESCALATED_FOLLOW_UPS) {
      expect(hits(text, lexicon.escalation)).toBeGreaterThan(0);
      expect(hits(text, [...lexicon.gratitude, ...lexicon.fixed]) === 0 || hits(text, lexicon.negation) > 0).toBe(true);
    }
  });

  it('gives every action a positive logging probability, summing to one', () => {
    for (const topic of OUTCOME_TOPICS) {
      for (const style of ['public_first', 'private_first'] as const) {
        const p = loggingPolicy(topic, style);
        expect(ACTIONS.every((a) => p[a] >= 0.04)).toBe(true);
        expect(ACTIONS.reduce((sum, a) => sum + p[a], 0)).toBeCloseTo(1, 10);
      }
    }
    expect(resolutionProbability('billing', 'twitter_dm_reply')).toBeGreaterThan(resolutionProbability('billing', 'twitter_public_reply'));
    expect(resolutionProbability('billing', 'no_action')).toBe(0);
  });

  it('draws actions and outcomes as the model says, and reports each decision truthfully', () => {
    const decisions: GeneratedDecision[] = [];
    const result = generateTwcs({ rows: 60_000, out: path.join(dir, 'outcomes.csv'), seed: 5, outcomes: true, onDecision: (d) => decisions.push(d) });
    expect(result.rows).toBe(60_000);
    expect(decisions.length).toBe(result.threads);
    const text = fs.readFileSync(result.out, 'utf8');
    const rows = new Map(text.split('\n').slice(1).filter(Boolean).map((line) => [line.split(',')[0], line]));
    // Every reported reply is a brand tweet answering its customer, carrying its action's cue.
    for (const d of decisions.slice(0, 200)) {
      const line = rows.get(d.reply_id)!;
      expect(line.startsWith(`${d.reply_id},${d.brand},False,`)).toBe(true);
      expect(d.propensity).toBeCloseTo(loggingPolicy(d.topic, brandStyle(BRANDS.indexOf(d.brand)))[d.action], 12);
    }
    // The resolution rate per (topic, action) cell matches the model within sampling error (4 standard errors).
    const cells = new Map<string, { n: number; resolved: number; escalated: number }>();
    for (const d of decisions) {
      const cell = cells.get(`${d.topic}|${d.action}`) ?? { n: 0, resolved: 0, escalated: 0 };
      cell.n++;
      if (d.outcome === 'resolved') cell.resolved++;
      if (d.outcome === 'escalated') cell.escalated++;
      cells.set(`${d.topic}|${d.action}`, cell);
    }
    expect(cells.size).toBe(OUTCOME_TOPICS.length * ACTIONS.length);
    for (const [key, cell] of cells) {
      const [topic, action] = key.split('|') as [(typeof OUTCOME_TOPICS)[number], Action];
      const p = CAUSAL_MODEL.resolution[topic][action];
      expect({ key, off: Math.abs(cell.resolved / cell.n - p) < 4 * Math.sqrt((p * (1 - p)) / cell.n) + 1e-9 }).toEqual({ key, off: true });
    }
    // Resolved threads end on the customer's thanks; silent ones on the brand reply.
    const resolved = decisions.find((d) => d.outcome === 'resolved')!;
    const followUp = [...rows.values()].find((line) => line.endsWith(`,${resolved.reply_id}`))!;
    expect(RESOLVED_FOLLOW_UPS.some((t) => followUp.includes(t))).toBe(true);
    const silent = decisions.find((d) => d.outcome === 'silent')!;
    expect([...rows.values()].some((line) => line.endsWith(`,${silent.reply_id}`))).toBe(false);
  });
});
