// The corpus of broken files (test/fixtures/hostile, expectations in expected.json): each loads on both targets
// with counts that add up, or is refused with one sentence. Each file uses its own platform, so keys never meet.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { ingest, type IngestResult } from '../../src/pipeline/ingest.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT } from '../helpers/cli.js';
import { TARGET_NAMES, useBothTargets } from '../helpers/targets.js';

const DIR = path.join(ROOT, 'test', 'fixtures', 'hostile');

interface Expected {
  rows_read?: number;
  rows_loaded?: number;
  rows_rejected?: number;
  reader?: 'fast' | 'tolerant';
  malformed_row?: number;
  unparseable_timestamp?: number;
  windows_1252_records?: number;
  nul_records_cleaned?: number;
  newest_interaction?: string;
  text?: Record<string, string>;
  error?: string;
}

const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const loads = Object.entries(expected).filter(([, e]) => !e.error);
const refusals = Object.entries(expected).filter(([, e]) => e.error);
const platformOf = (name: string) => name.replace(/[^a-z0-9]/g, '_');

const targets = useBothTargets('hostile');

function checkCounts(name: string, result: IngestResult, want: Expected): void {
  const label = `${name}: ${JSON.stringify(result.rejected_by_reason)} ${result.reader_reasons.join('; ')}`;
  expect(result.rows_read, label).toBe(want.rows_read);
  expect(result.rows_loaded, label).toBe(want.rows_loaded);
  expect(result.rows_rejected, label).toBe(want.rows_rejected);
  expect(result.rows_read, label).toBe(result.rows_loaded + result.rows_rejected + result.rows_already_present);
  if (want.reader) expect(result.reader, label).toBe(want.reader);
  if (want.malformed_row !== undefined) expect(result.rejected_by_reason.malformed_row, label).toBe(want.malformed_row);
  if (want.unparseable_timestamp !== undefined) expect(result.rejected_by_reason.unparseable_timestamp, label).toBe(want.unparseable_timestamp);
  if (want.windows_1252_records !== undefined) expect(result.windows_1252_records, label).toBe(want.windows_1252_records);
  if (want.nul_records_cleaned !== undefined) expect(result.nul_records_cleaned, label).toBe(want.nul_records_cleaned);
  if (want.newest_interaction) expect(result.newest_interaction, label).toBe(want.newest_interaction);
}

describe.each(TARGET_NAMES)('hostile files into %s', (target) => {
  it.each(loads)('%s loads with counts that add up', async (name, want) => {
    const result = await ingest(targets.config(target), { file: path.join(DIR, name), platform: platformOf(name) });
    checkCounts(name, result, want);
    // A second run finds every good row already there, and loses nothing.
    const again = await ingest(targets.config(target), { file: path.join(DIR, name), platform: platformOf(name) });
    expect(again).toMatchObject({ rows_read: want.rows_read, rows_loaded: 0, rows_already_present: want.rows_loaded });
    const stored = await targets.storedTexts(target, platformOf(name));
    for (const [id, text] of Object.entries(want.text ?? {})) expect(stored.get(id), `${name} tweet ${id}`).toBe(text);
  });

  it('quarantines the unreadable records with their line and raw text', async () => {
    const result = await ingest(targets.config(target), { file: path.join(DIR, 'lone-quote.csv'), platform: 'quarantine_check' });
    const rows =
      target === 'postgres'
        ? await targets.db().query<{ line_number: string; raw: string; detail: string }>('SELECT line_number, raw, detail FROM rejected_interactions WHERE run_id = $1', [result.run_id])
        : await queryEmbedded<{ line_number: string; raw: string; detail: string }>(
            path.join(targets.home, 'clickhouse'),
            'SELECT line_number, raw, detail FROM rejected_interactions WHERE run_id = {run:String}',
            { run: result.run_id },
          );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].line_number)).toBe(7);
    expect(rows[0].raw).toBe('99,9001,TRUE,Tue Oct 31 22:10:47 +0000 2017,",,');
    expect(rows[0].detail).toBe('a quote opens a field and never closes');
  });
});

describe.each(TARGET_NAMES)('long texts into %s', (target) => {
  it('loads texts of 1.5 MB and 3 MB, and loads nothing twice on a re-run', async () => {
    const file = path.join(targets.home, `long-${target}.csv`);
    const header = 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n';
    const time = 'Tue Oct 31 22:10:47 +0000 2017';
    fs.writeFileSync(file, `${header}1,9001,TRUE,${time},${'a'.repeat(1_500_000)},,\n2,9001,TRUE,${time},"${'b, '.repeat(1_000_000)}",,\n3,9001,TRUE,${time},short,,\n`);
    const first = await ingest(targets.config(target), { file, platform: 'long_texts' });
    expect(first).toMatchObject({ rows_read: 3, rows_loaded: 3, rows_rejected: 0 });
    const again = await ingest(targets.config(target), { file, platform: 'long_texts' });
    expect(again).toMatchObject({ rows_read: 3, rows_loaded: 0, rows_already_present: 3 });
  });
});

describe('files that are not twcs CSV text', () => {
  it.each(refusals)('%s is refused with one sentence', async (name, want) => {
    const attempt = ingest(targets.config('chdb'), { file: path.join(DIR, name), platform: platformOf(name) });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(new RegExp(want.error!));
  });

  it('takes an explicit time window from --not-before and --not-after', async () => {
    const result = await ingest(targets.config('chdb'), {
      file: path.join(DIR, 'implausible-timestamps.csv'),
      platform: 'window_override',
      notBefore: new Date('1970-01-01T00:00:00Z'),
      notAfter: new Date('2017-10-31T23:00:00Z'),
    });
    // 1970 now passes; the 2017-11-01 tweet is after the window, year 9999 and infinity still fail.
    expect(result).toMatchObject({ rows_loaded: 2, rows_rejected: 3, newest_interaction: '2017-10-31T22:10:47.000Z' });
    expect(result.timestamp_window).toEqual({ not_before: '1970-01-01T00:00:00.000Z', not_after: '2017-10-31T23:00:00.000Z' });
  });
});
