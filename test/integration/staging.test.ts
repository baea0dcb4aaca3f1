import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStaging, type Staging } from '../../src/staging/duckdb.js';
import { inspectSourceFile } from '../../src/staging/source-file.js';
import { stageFile, type StagedFile } from '../../src/staging/stage.js';
import { trimSpaces } from '../../src/staging/expressions.sql.js';
import { ROOT } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-staging-'));
let staging: Staging;

beforeAll(async () => {
  staging = await openStaging(path.join(dir, 'staging.duckdb'));
});
afterAll(() => {
  staging.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Row {
  interaction_id: string;
  external_id: string;
  participant_external_id: string;
  content_text: string;
  raw_text: string;
  interaction_timestamp: string;
  parent_external_id: string | null;
  inbound: boolean;
  interaction_type: string;
  content_metadata: string;
  platform_metadata: string;
}

async function stageAll(file: string, name: string, encoding: 'auto' | 'latin-1' = 'auto'): Promise<{ staged: StagedFile; rows: Map<string, Row> }> {
  const batchDir = path.join(dir, name);
  const staged = await stageFile(staging, inspectSourceFile(file, encoding), { runId: '00000000-0000-0000-0000-000000000001', platform: 'twitter', batchSize: 50, format: 'parquet', batchDir });
  for (let i = 0; i < staged.batchCount; i++) await staged.writeBatch(i);
  const rows = await staging.rows<Row>(
    `SELECT * EXCLUDE (interaction_timestamp), strftime(interaction_timestamp, '%Y-%m-%dT%H:%M:%SZ') AS interaction_timestamp FROM read_parquet($glob)`,
    { glob: path.join(batchDir, 'batch_*.parquet') },
  );
  return { staged, rows: new Map(rows.map((row) => [row.external_id, row])) };
}

describe('staging the real twcs sample', () => {
  it('keeps all 121 tweets and normalizes a customer complaint (tweet 8) field by field', async () => {
    const { staged, rows } = await stageAll(path.join(ROOT, 'examples', 'twcs_sample.csv'), 'sample');
    expect(staged).toMatchObject({ rowsRead: 121, rowsValid: 121, rowsRejected: 0, batchCount: 3 });
    expect(rows.size).toBe(121);
    const tweet = rows.get('8')!;
    expect(tweet).toMatchObject({
      participant_external_id: '115712',
      inbound: true,
      raw_text: '@sprintcare is the worst customer service',
      content_text: 'is the worst customer service',
      interaction_timestamp: '2017-10-31T21:45:10Z',
      parent_external_id: null,
      interaction_type: 'tweet',
    });
    expect(JSON.parse(tweet.content_metadata)).toEqual({ mentions: ['sprintcare'], hashtags: [], urls: [] });
    expect(JSON.parse(tweet.platform_metadata)).toEqual({ response_tweet_ids: ['9', '6', '10'] });
  });

  it("links the brand's reply (tweet 6) to the complaint it answers", async () => {
    const { rows } = await stageAll(path.join(ROOT, 'examples', 'twcs_sample.csv'), 'sample2');
    expect(rows.get('6')).toMatchObject({ participant_external_id: 'sprintcare', inbound: false, parent_external_id: '8', interaction_type: 'reply' });
    expect(JSON.parse(rows.get('6')!.platform_metadata).response_tweet_ids).toEqual(['5', '7']);
  });

  it('derives the same interaction_id for the same platform and tweet, every run', async () => {
    const first = await stageAll(path.join(ROOT, 'examples', 'twcs_sample.csv'), 'ids1');
    const second = await stageAll(path.join(ROOT, 'examples', 'twcs_sample.csv'), 'ids2');
    expect(first.rows.get('1')!.interaction_id).toBe(second.rows.get('1')!.interaction_id);
    const [{ expected }] = await staging.rows<{ expected: string }>(`SELECT md5('twitter:1') AS expected`);
    expect(first.rows.get('1')!.interaction_id).toBe(expected);
  });
});

describe('staging awkward input', () => {
  it('tolerates a BOM, an index column, float ids, mixed-case booleans, CRLF and newlines inside quotes', async () => {
    const { staged, rows } = await stageAll(path.join(ROOT, 'test', 'fixtures', 'tolerant.csv'), 'tolerant');
    expect(staged.rowsValid).toBe(3);
    expect(rows.get('1')).toMatchObject({ inbound: false, parent_external_id: '3', content_text: 'Sorry! Can you DM us?\r\nThanks, ^KC' });
    expect(JSON.parse(rows.get('1')!.platform_metadata).response_tweet_ids).toEqual(['2']);
    expect(JSON.parse(rows.get('3')!.platform_metadata).response_tweet_ids).toEqual(['1', '4']);
    const withUrl = rows.get('2')!;
    expect(withUrl.content_text).toBe('done 👍 fail');
    expect(JSON.parse(withUrl.content_metadata)).toEqual({ mentions: ['sprintcare'], hashtags: ['fail'], urls: ['https://t.co/abc'] });
  });

  it('reads a Latin-1 file without mangling accented letters', async () => {
    const file = path.join(dir, 'latin1.csv');
    fs.writeFileSync(file, Buffer.from('tweet_id,author_id,inbound,created_at,text\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,@Brand le caf\xe9 est froid\n', 'latin1'));
    const { staged, rows } = await stageAll(file, 'latin1');
    expect(staged.rowsValid).toBe(1);
    expect(rows.get('1')!.content_text).toBe('le café est froid');
  });

  it('quarantines each broken row with its reason and keeps every good one', async () => {
    const { staged, rows } = await stageAll(path.join(ROOT, 'test', 'fixtures', 'broken.csv'), 'broken');
    expect(staged.rowsRead).toBe(12);
    expect(staged.rejectedByReason).toEqual({
      malformed_row: 2,
      missing_id: 1,
      missing_author: 1,
      unparseable_timestamp: 1,
      invalid_inbound: 1,
      empty_text: 1,
      duplicate_id: 1,
    });
    expect([...rows.keys()].sort()).toEqual(['1', '2', '8', '9']);
    // The first copy of a duplicated id wins.
    expect(rows.get('2')!.raw_text).toBe('@sprintcare my phone has no signal');
    expect(rows.get('9')!.raw_text).toBe('@sprintcare still nothing, "help"');
    const rejects = await staging.rows<{ reason: string; raw: string; line_number: number | null }>(`SELECT reason, raw, line_number FROM staged_rejects ORDER BY reason`);
    const malformed = rejects.filter((row) => row.reason === 'malformed_row');
    expect(malformed.map((row) => row.raw).join('\n')).toContain('too,many,columns,here');
    expect(malformed.every((row) => Number(row.line_number) > 1)).toBe(true);
    expect(JSON.parse(rejects.find((row) => row.reason === 'unparseable_timestamp')!.raw)).toMatchObject({ tweet_id: '3', created_at: 'not a date' });
  });
});

describe('closing staging', () => {
  it('closes once however often close is called (predict closes early to free its memory, then again at the end)', async () => {
    const own = await openStaging(path.join(dir, 'closing.duckdb'));
    await own.run('CREATE TABLE t AS SELECT 1 AS x');
    own.close();
    expect(() => own.close()).not.toThrow();
    await expect(own.rows('SELECT 1')).rejects.toThrow();
  });
});

describe('trimSpaces, the guarded trim of the cleaned text', () => {
  it("equals DuckDB's trim() on every edge: each space separator at either end, marks beside spaces, tabs, empty, NULL", async () => {
    const staging = await openStaging(':memory:');
    try {
      const separators = [0x20, 0xa0, 0x1680, 0x2000, 0x2005, 0x200a, 0x202f, 0x205f, 0x3000].map((cp) => String.fromCodePoint(cp));
      const cases = [
        ...separators.flatMap((s) => [`${s}x`, `x${s}`, `${s}x${s}`, s, `${s}${s}`]),
        // A prepended mark then a space (one grapheme), a combining mark after a space, a zero-width space (not Zs), tabs.
        '\u0600 x',
        'x\u0600 ',
        ' \u0301e',
        'e\u0301 ',
        'x\u200b',
        '\tx\t',
        '',
        'plain',
        '@brand thanks',
      ];
      const rows = await staging.rows<{ x: string | null; guarded: string | null; trimmed: string | null }>(
        `SELECT x, ${trimSpaces('x')} AS guarded, trim(x) AS trimmed FROM (SELECT unnest(from_json($cases, '["VARCHAR"]')) AS x UNION ALL SELECT NULL)`,
        { cases: JSON.stringify(cases) },
      );
      expect(rows).toHaveLength(cases.length + 1);
      for (const row of rows) expect({ x: row.x, value: row.guarded }).toEqual({ x: row.x, value: row.trimmed });
      // The guard does trim: a case that would pass with no trimming at all fails here.
      expect(rows.find((row) => row.x === '\u3000x\u3000')?.guarded).toBe('x');
    } finally {
      staging.close();
    }
  });
});
