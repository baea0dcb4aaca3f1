// Property: corrupt a good file (stray quotes, line ends, NULs, Windows-1252 bytes, lost commas, truncation) and
// ingest it. Every record the corruption did not touch still loads with its exact text, and the counts add up.
// Fixed seed and a bounded number of cases, on both targets.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/pipeline/ingest.js';
import { TARGET_NAMES, useBothTargets } from '../helpers/targets.js';

const HEADER = 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id';
const TEXTS = [
  '@AskBrand my order never arrived',
  'thanks, that fixed it 👍',
  'she said "hold on" and hung up',
  'line one\nline two',
  'café crème, naïve',
  'plain text',
  '@Brand1 @Brand2 why?? https://t.co/x #fail',
];
const RECORDS = 40;

interface Record {
  id: string;
  text: string;
  line: Buffer;
}

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function baseRecords(): Record[] {
  return Array.from({ length: RECORDS }, (_, i) => {
    const id = String(1000 + i);
    const text = `${TEXTS[i % TEXTS.length]} #${i}`;
    const minute = String(i % 60).padStart(2, '0');
    const line = `${id},${i % 3 === 0 ? 'AskBrand' : `c${i}`},${i % 3 === 0 ? 'False' : 'True'},Tue Oct 31 22:${minute}:47 +0000 2017,${field(text)},,`;
    return { id, text, line: Buffer.from(line, 'utf8') };
  });
}

type Corruption =
  | { kind: 'lone_quote' | 'nul' | 'cp1252' | 'bare_cr' | 'bare_lf' | 'drop_comma' | 'crlf_end'; record: number; at: number }
  | { kind: 'truncate'; at: number };

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('lone_quote', 'nul', 'cp1252', 'bare_cr', 'bare_lf', 'drop_comma', 'crlf_end') as fc.Arbitrary<'lone_quote'>,
    record: fc.nat({ max: RECORDS - 1 }),
    at: fc.nat({ max: 1000 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: 1000 }) }),
);

/** The corrupted file and the ids of the records no corruption touched. */
function corrupt(records: Record[], corruptions: Corruption[]): { bytes: Buffer; untouched: Record[] } {
  const lines = records.map((record) => Buffer.from(record.line));
  const ends = records.map(() => Buffer.from('\n'));
  const touched = new Set<number>();
  // Inside the text field only: ids, authors and times stay as they were.
  const textRange = (line: Buffer) => {
    const start = line.indexOf(',', line.indexOf('+0000 2017')) + 1;
    return { start, length: Math.max(1, line.length - 2 - start) };
  };
  for (const c of corruptions) {
    if (c.kind === 'truncate') {
      const last = records.length - 1;
      lines[last] = lines[last].subarray(0, 1 + (c.at % Math.max(1, lines[last].length - 1)));
      ends[last] = Buffer.alloc(0);
      touched.add(last);
      continue;
    }
    touched.add(c.record);
    if (c.kind === 'crlf_end') {
      ends[c.record] = Buffer.from('\r\n');
      continue;
    }
    const line = lines[c.record];
    const { start, length } = textRange(line);
    // A quote only opens a field at the field's start: that is where a stray one swallows what follows.
    const at = c.kind === 'lone_quote' ? start : start + (c.at % length);
    const insert = { lone_quote: '"', nul: '\0', cp1252: '\x93', bare_cr: '\r', bare_lf: '\n', drop_comma: '' }[c.kind];
    if (c.kind === 'drop_comma') {
      const comma = line.lastIndexOf(',');
      lines[c.record] = Buffer.concat([line.subarray(0, comma), line.subarray(comma + 1)]);
    } else {
      const bytes = c.kind === 'cp1252' ? Buffer.from([0x93]) : Buffer.from(insert, 'latin1');
      lines[c.record] = Buffer.concat([line.subarray(0, at), bytes, line.subarray(at)]);
    }
  }
  const parts: Buffer[] = [Buffer.from(`${HEADER}\n`)];
  lines.forEach((line, i) => parts.push(line, ends[i]));
  return { bytes: Buffer.concat(parts), untouched: records.filter((_, i) => !touched.has(i)) };
}

const targets = useBothTargets('property');

describe.each(TARGET_NAMES)('corrupted files into %s', (target) => {
  it('load every untouched record, and the counts add up', async () => {
    const records = baseRecords();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(corruption, { minLength: 1, maxLength: 4 }), async (corruptions) => {
        run += 1;
        const platform = `property_${run}`;
        const { bytes, untouched } = corrupt(records, corruptions);
        const file = path.join(targets.home, `${target}-${run}.csv`);
        fs.writeFileSync(file, bytes);
        const result = await ingest(targets.config(target), { file, platform });
        expect(result.rows_read).toBe(result.rows_loaded + result.rows_rejected + result.rows_already_present);
        expect(result.rows_read).toBeGreaterThanOrEqual(untouched.length);
        const stored = await targets.storedTexts(target, platform);
        for (const record of untouched) expect(stored.get(record.id), `record ${record.id} after ${JSON.stringify(corruptions)}`).toBe(record.text);
      }),
      { seed: 20261126, numRuns: 25, endOnFailure: true },
    );
  });
});
