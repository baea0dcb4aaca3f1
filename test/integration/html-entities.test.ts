// Twitter's texts arrive HTML-escaped: ingest decodes the entities once, in DuckDB, so both targets store the text a
// person wrote, whichever reader (DuckDB's own, or the tolerant one) took the file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStaging } from '../../src/staging/duckdb.js';
import { decodeEntities } from '../../src/staging/expressions.sql.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { queryEmbedded } from '../helpers/clickhouse.js';
import { ROOT } from '../helpers/cli.js';
import { TARGET_NAMES, useBothTargets, type TargetName } from '../helpers/targets.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'html-entities.csv');

const RAW_TEXTS: Record<string, string> = {
  '1': '@AcmeHelp my bill went from 20 > 45 &amp; nobody <answers>',
  '2': '@9001 We\'re on it 😀 "promise" ^JD',
  // Not entities, or code points chr() cannot write: left as they are.
  '3': "@AcmeHelp R&D & Q&A: &notanentity; &#0; &#xD800; &AMP; 'ok'",
};

const CONTENT_TEXTS: Record<string, string> = {
  '1': 'my bill went from 20 > 45 &amp; nobody <answers>',
  '2': 'We\'re on it 😀 "promise" ^JD',
  // content_text drops every '#' (hashtags), so the entities left as they are lose theirs.
  '3': "R&D & Q&A: &notanentity; &0; &xD800; &AMP; 'ok'",
};

const targets = useBothTargets('entities');

async function storedContentTexts(target: TargetName, platform: string): Promise<Map<string, string>> {
  const rows =
    target === 'postgres'
      ? await targets.db().query<{ external_id: string; content_text: string }>('SELECT external_id, content_text FROM interactions WHERE platform_type = $1', [platform])
      : await queryEmbedded<{ external_id: string; content_text: string }>(
          path.join(targets.home, 'clickhouse'),
          'SELECT external_id, content_text FROM interactions WHERE platform_type = {platform:String}',
          { platform },
        );
  return new Map(rows.map((row) => [row.external_id, row.content_text]));
}

describe('decodeEntities', () => {
  it('decodes each entity once, named and numeric, and leaves every other & alone', async () => {
    const staging = await openStaging(':memory:');
    try {
      const cases: Array<[string | null, string | null]> = [
        ['2 &gt; 1', '2 > 1'],
        ['&amp;amp;', '&amp;'],
        ['&amp;gt; &amp;#39;', '&gt; &#39;'],
        ['&#38;amp;', '&amp;'],
        ['&#39;&#x27;&#X1F600;', "''😀"],
        ['line one\n&lt;br&gt;', 'line one\n<br>'],
        ['no entity here', 'no entity here'],
        ['& &; &#; &#x; &#12345678;', '& &; &#; &#x; &#12345678;'],
        ['', ''],
        [null, null],
      ];
      for (const [text, want] of cases) {
        const [row] = await staging.rows<{ decoded: string | null }>(`SELECT ${decodeEntities('$text::VARCHAR')} AS decoded`, { text });
        expect(row.decoded, JSON.stringify(text)).toBe(want);
      }
    } finally {
      staging.close();
    }
  });
});

describe.each(TARGET_NAMES)('HTML entities into %s', (target) => {
  it('stores raw_text and content_text decoded (DuckDB reader)', async () => {
    const result = await ingest(targets.config(target), { file: FIXTURE, platform: 'entities_fast' });
    expect(result).toMatchObject({ rows_loaded: 3, rows_rejected: 0, reader: 'fast' });
    expect(Object.fromEntries(await targets.storedTexts(target, 'entities_fast'))).toEqual(RAW_TEXTS);
    expect(Object.fromEntries(await storedContentTexts(target, 'entities_fast'))).toEqual(CONTENT_TEXTS);
  });

  it('stores the same decoded texts when the tolerant reader repairs the file first', async () => {
    // A NUL byte sends the file through the tolerant reader's clean copy; the NUL is removed there.
    const file = path.join(targets.home, `entities-nul-${target}.csv`);
    fs.writeFileSync(file, fs.readFileSync(FIXTURE, 'utf8').replace('nobody', 'no\0body'));
    const result = await ingest(targets.config(target), { file, platform: 'entities_tolerant' });
    expect(result).toMatchObject({ rows_loaded: 3, rows_rejected: 0, reader: 'tolerant' });
    expect(Object.fromEntries(await targets.storedTexts(target, 'entities_tolerant'))).toEqual(RAW_TEXTS);
  });
});
