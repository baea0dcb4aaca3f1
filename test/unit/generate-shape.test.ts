// The free-form generator against the real twcs file: each figure below was measured on the real slices (see
// src/generate/calibration.ts for the slices) and each test reads a generated sample of 150,000 rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTwcs, type GenerateResult } from '../../src/generate/twcs.js';
import lexicon from '../../src/model/lexicon.json' with { type: 'json' };

const ROWS = 150_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-shape-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Row {
  id: string;
  author: string;
  inbound: boolean;
  time: number;
  text: string;
  parent: string;
}

/** RFC 4180 records of the generated file (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') fields.push(field), (field = '');
    else if (c === '\n') fields.push(field), records.push(fields), (fields = []), (field = '');
    else field += c;
  }
  return records;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const share = <T>(items: T[], test: (item: T) => boolean) => items.filter(test).length / items.length;
/** Whether `actual` is within `tolerance` (a fraction) of `expected`; returned as an object so a failure shows both. */
const near = (name: string, actual: number, expected: number, tolerance: number) => ({ name, actual: Number(actual.toFixed(3)), expected, ok: Math.abs(actual - expected) <= tolerance * expected });
const allOk = (checks: ReturnType<typeof near>[]) => expect(checks.filter((c) => !c.ok)).toEqual([]);

let result: GenerateResult;
let rows: Row[];
let byId: Map<string, Row>;
let threads: Row[][];

beforeAll(() => {
  result = generateTwcs({ rows: ROWS, out: path.join(dir, 'shape.csv'), seed: 11 });
  const records = parseCsv(fs.readFileSync(result.out, 'utf8')).slice(1);
  rows = records.map(([id, author, inbound, created, text, , parent]) => ({ id, author, inbound: inbound === 'True', time: Date.parse(created.replace(/^\w+ (\w+) (\d+) ([\d:]+) \+0000 (\d+)$/, '$1 $2 $4 $3 UTC')), text, parent }));
  byId = new Map(rows.map((row) => [row.id, row]));
  const rootOf = (row: Row): string => (row.parent && byId.has(row.parent) ? rootOf(byId.get(row.parent)!) : row.id);
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const root = rootOf(row);
    groups.set(root, [...(groups.get(root) ?? []), row]);
  }
  threads = [...groups.values()];
});

describe('generate: the shape of the real twcs file', () => {
  it('writes text as long as real tweets: quantiles and means for customers and brands (random 5k)', () => {
    const bytes = (inbound: boolean) => rows.filter((row) => row.inbound === inbound).map((row) => Buffer.byteLength(row.text));
    const customer = bytes(true);
    const brand = bytes(false);
    // Real: customers p10 40, p25 69, p50 112, p75 141, p90 180, mean 113.0; brands p10 62, p25 93, p50 121, p75 141, p90 170, mean 121.3.
    allOk([
      near('customer p10', quantile(customer, 0.1), 40, 0.2),
      near('customer p25', quantile(customer, 0.25), 69, 0.15),
      near('customer p50', quantile(customer, 0.5), 112, 0.1),
      near('customer p75', quantile(customer, 0.75), 141, 0.1),
      near('customer p90', quantile(customer, 0.9), 180, 0.1),
      near('customer mean', mean(customer), 113.0, 0.1),
      near('brand p10', quantile(brand, 0.1), 62, 0.2),
      near('brand p25', quantile(brand, 0.25), 93, 0.15),
      near('brand p50', quantile(brand, 0.5), 121, 0.1),
      near('brand p75', quantile(brand, 0.75), 141, 0.1),
      near('brand p90', quantile(brand, 0.9), 170, 0.1),
      near('brand mean', mean(brand), 121.3, 0.1),
      // Real slices: 116.8 (random 5k) and 105.2 (head).
      near('all mean', mean([...customer, ...brand]), 111, 0.1),
    ]);
  });

  it('writes 183 bytes a row, as the whole twcs file does (516 MB / 2,811,774 rows)', () => {
    allOk([near('bytes per row', result.bytes / result.rows, 183, 0.1)]);
  });

  it('mixes brands as the real file: a long tail of about 100 brands, the biggest with their real shares', () => {
    const brandRows = rows.filter((row) => !row.inbound);
    const shareOf = (brand: string) => share(brandRows, (row) => row.author === brand);
    expect(result.brands).toBeGreaterThanOrEqual(95);
    // Random 5k: AmazonHelp 13.1%, AppleSupport 9.25%, Uber_Support 4.65%, SpotifyCares 3.46%, Tesco 2.98%.
    allOk([
      near('AmazonHelp', shareOf('AmazonHelp'), 0.131, 0.15),
      near('AppleSupport', shareOf('AppleSupport'), 0.0925, 0.15),
      near('Uber_Support', shareOf('Uber_Support'), 0.0465, 0.2),
      near('SpotifyCares', shareOf('SpotifyCares'), 0.0346, 0.25),
      near('Tesco', shareOf('Tesco'), 0.0298, 0.25),
    ]);
  });

  it('builds threads of the real size, depth and cast, ending on the customer as often', () => {
    // Head (753 whole threads): 47.4% of two tweets, deepest chain 3.54 on average, 8.4% with two customers or more,
    // 15.5% ending on the customer. The whole file's threads are shorter (3.52 rows a thread against head's 3.82),
    // which the generator meets with 149 more two-tweet threads per head's 753, shaped as head's two-tweet threads
    // (97.3% of two tweets, one customer, ending on the brand): expected = w * head + (1 - w) * two-tweet threads.
    const w = 753 / (753 + 149);
    const sizes = threads.map((thread) => thread.length);
    const depthOf = (row: Row): number => (row.parent && byId.has(row.parent) ? 1 + depthOf(byId.get(row.parent)!) : 1);
    const depths = threads.map((thread) => Math.max(...thread.map(depthOf)));
    const customers = threads.map((thread) => new Set(thread.filter((row) => row.inbound).map((row) => row.author)).size);
    const lastIsCustomer = threads.map((thread) => thread.reduce((a, b) => (b.time > a.time || (b.time === a.time && Number(b.id) > Number(a.id)) ? b : a)).inbound);
    allOk([
      near('rows per thread', rows.length / threads.length, 2_811_774 / 798_012, 0.05),
      near('two-tweet threads', share(sizes, (n) => n === 2), w * 0.474 + (1 - w) * 0.973, 0.1),
      near('threads of 4 tweets', share(sizes, (n) => n === 4), w * 0.178, 0.2),
      near('threads of 6 to 10 tweets', share(sizes, (n) => n >= 6 && n <= 10), w * 0.138, 0.25),
      near('mean depth', mean(depths), w * 3.54 + (1 - w) * 2, 0.05),
      near('threads with 2+ customers', share(customers, (n) => n >= 2), w * 0.084, 0.25),
      near('threads ending on the customer', share(lastIsCustomer, Boolean), w * 0.155, 0.2),
    ]);
  });

  it('answers as fast as real brands: response-time percentiles overall and per brand (pairs)', () => {
    const delays = (brand?: string) =>
      rows.filter((row) => !row.inbound && (!brand || row.author === brand) && byId.get(row.parent)?.inbound).map((row) => (row.time - byId.get(row.parent)!.time) / 1000);
    const all = delays();
    const amazon = delays('AmazonHelp');
    const apple = delays('AppleSupport');
    // Pairs: all p25 371 s, p50 1,141 s, p75 5,370 s, p90 30,225 s; AmazonHelp p50 569 s, p90 1,635 s; AppleSupport p50 1,902 s, p90 21,150 s.
    allOk([
      near('all p25', quantile(all, 0.25), 371, 0.25),
      near('all p50', quantile(all, 0.5), 1141, 0.25),
      near('all p75', quantile(all, 0.75), 5370, 0.25),
      near('all p90', quantile(all, 0.9), 30225, 0.25),
      near('AmazonHelp p50', quantile(amazon, 0.5), 569, 0.15),
      near('AmazonHelp p90', quantile(amazon, 0.9), 1635, 0.15),
      near('AppleSupport p50', quantile(apple, 0.5), 1902, 0.15),
      near('AppleSupport p90', quantile(apple, 0.9), 21150, 0.15),
    ]);
  });

  it('steers to DM, e-mail and phone in each brand\'s real proportions, and customers answer as real ones do', () => {
    const tokens = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9']+/g) ?? []);
    const has = (text: string, terms: string[]) => [...tokens(text)].some((token) => terms.includes(token));
    const channelShare = (brand: string, terms: string[]) => share(rows.filter((row) => row.author === brand), (row) => has(row.text, terms));
    // Brand replies (lexicon cues, all replies of the brand): AppleSupport DM 47%, SpotifyCares DM 30.9%; random 5k:
    // TMobileHelp DM 79%, AmazonHelp DM 1% and e-mail 4%, every brand together DM 28%.
    const brandRows = rows.filter((row) => !row.inbound);
    allOk([
      near('AppleSupport dm', channelShare('AppleSupport', lexicon.ask_dm), 0.47, 0.15),
      near('SpotifyCares dm', channelShare('SpotifyCares', lexicon.ask_dm), 0.309, 0.2),
      near('TMobileHelp dm', channelShare('TMobileHelp', lexicon.ask_dm), 0.79, 0.15),
      near('all brands dm', share(brandRows, (row) => has(row.text, lexicon.ask_dm)), 0.28, 0.2),
    ]);
    expect(channelShare('AmazonHelp', lexicon.ask_dm)).toBeLessThan(0.05);
    expect(channelShare('AmazonHelp', lexicon.ask_email)).toBeGreaterThan(0.02);
    // Head: of the customers' answers to a brand reply, 15.9% thank (thank, thx, cheers, appreciate) and 6.6% say they sent a DM.
    const answers = rows.filter((row) => row.inbound && byId.get(row.parent)?.inbound === false);
    allOk([
      near('answers that thank', share(answers, (row) => /thank|thx|cheers|appreciate/i.test(row.text)), 0.159, 0.25),
      near('answers saying a DM was sent', share(answers, (row) => has(row.text, lexicon.customer_dm)), 0.066, 0.35),
    ]);
  });

  it('brings customers back as the real file does: 798,012 threads for 702,669 customers', () => {
    allOk([near('threads per customer', result.threads / result.customers, 798_012 / 702_669, 0.05)]);
  });
});
