import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTwitterTime, generateTwcs, TWCS_HEADER } from '../../src/generate/twcs.js';

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
});
