// The CSV predict's compose shares write must be the bytes DuckDB's CSV writer writes for the same values.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelFreeKey, ReceiptFields, RecordFile } from '../../src/decisions/compose-share.js';
import type { Receipt } from '../../src/decisions/policy.js';
import { duckDbDouble, nullableCsvField } from '../../src/files/csv-field.js';
import { CsvJson } from '../../src/decisions/csv-json.js';
import { openStaging } from '../../src/staging/duckdb.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-csv-field-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TEXTS: Array<string | null> = [
  null, '', ' ', 'plain', ' leading', 'trailing ', 'a,b', 'say "hi"', '"', 'two\nlines', 'cr\rhere', 'crlf\r\n',
  '#hashtag', 'a #tag', 'tab\there', 'back\\slash', "it's", 'a;b|c', 'émoji 😢 ✓', '{"json":["x",1]}', 'NULL', 'null',
];
const DOUBLES = [0, -0, 1, -1, 0.5, -0.4588, 0.0001, -0.0001, 0.00001, 1e-7, 2.5e-5, 123.456, 1e15, 1e16, 12345678901234567, 0.1 + 0.2, 1 / 3, -2 / 3, 5e-324, 1.7976931348623157e308, 100];

describe('CSV fields as DuckDB writes them', () => {
  it('writes texts and doubles byte for byte as COPY ... (FORMAT csv) does', async () => {
    const staging = await openStaging(':memory:');
    try {
      await staging.run('CREATE TABLE t (i INTEGER, s VARCHAR, d DOUBLE)');
      const appender = await staging.connection.createAppender('t');
      const rows = Math.max(TEXTS.length, DOUBLES.length);
      for (let i = 0; i < rows; i += 1) {
        appender.appendInteger(i);
        const text = TEXTS[i % TEXTS.length];
        if (text === null) appender.appendNull();
        else appender.appendVarchar(text);
        appender.appendDouble(DOUBLES[i % DOUBLES.length]);
        appender.endRow();
      }
      appender.closeSync();
      const file = path.join(dir, 'duckdb.csv');
      await staging.run(`COPY (SELECT s, d FROM t ORDER BY i) TO $file (FORMAT csv, HEADER true)`, { file });
      const ours = ['s,d'];
      for (let i = 0; i < rows; i += 1) ours.push(`${nullableCsvField(TEXTS[i % TEXTS.length])},${duckDbDouble(DOUBLES[i % DOUBLES.length])}`);
      expect(`${ours.join('\n')}\n`).toBe(fs.readFileSync(file, 'utf8'));
    } finally {
      staging.close();
    }
  });

  it('prints what DuckDB prints for numbers it cannot round', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(duckDbDouble)).toEqual(['nan', 'inf', '-inf']);
  });

  it('quotes a field in the file buffer as nullableCsvField does', () => {
    // Long texts quoted on either side of a buffer boundary, and one larger than the buffer.
    const long = ['x'.repeat(90), '"'.repeat(70), `${'é'.repeat(40)},`, 'y'.repeat(400), '#'.repeat(300)];
    const fields = [...TEXTS, ...long];
    for (const size of [64, 256, 8 * 1024 * 1024]) {
      const file = path.join(dir, `record-${size}.csv`);
      const out = new RecordFile(file, 'w', size);
      for (const text of fields) {
        out.field(text);
        out.char(0x2c);
      }
      out.add('tail\n');
      out.close();
      expect(fs.readFileSync(file, 'utf8'), `buffer of ${size} bytes`).toBe(`${fields.map((text) => `${nullableCsvField(text)},`).join('')}tail\n`);
    }
  });

  it('writes a text given as its UTF-8 bytes as field() writes the text', () => {
    const long = ['x'.repeat(90), `${'é'.repeat(40)},`, 'y'.repeat(400), 'say "hi"\n'.repeat(30)];
    const texts = [...TEXTS, ...long];
    for (const size of [64, 256, 8 * 1024 * 1024]) {
      const file = path.join(dir, `bytes-${size}.csv`);
      const out = new RecordFile(file, 'w', size);
      for (const text of texts) {
        out.utf8Field(text === null ? null : new TextEncoder().encode(text));
        out.char(0x2c);
      }
      out.close();
      expect(fs.readFileSync(file, 'utf8'), `buffer of ${size} bytes`).toBe(texts.map((text) => `${nullableCsvField(text)},`).join(''));
    }
  });

  it('writes receipts, encoded once or not, as their quoted JSON', () => {
    const actions = (eligible: boolean[], numbers = false): Receipt['actions'] =>
      (['twitter_public_reply', 'twitter_dm_reply', 'email_reply', 'scheduling_phone_call'] as const).map((action, i) => ({
        action,
        eligible: eligible[i],
        propensity: numbers ? 0.25 : null,
        expected_value: numbers && eligible[i] ? 0.1 * i : null,
      }));
    const rules = (eligible: boolean[], guard_rails: string[], policy: Receipt['policy'] = 'rules'): Receipt => ({
      policy,
      model_id: null,
      layer: 'rules',
      actions: actions(eligible),
      top_features: [],
      guard_rails,
    });
    const receipts: Receipt[] = [
      rules([true, true, true, false], []),
      rules([true, true, true, true], []),
      rules([true, true, true, false], ['contact policy: one action per customer per 24 h; another conversation of this customer gets it']),
      rules([true, true, true, false], ['quiet hours (23:00-7:00 UTC): sent at 2018-01-04T07:00:00.000Z']),
      rules([true, true, true, false], ['quiet hours (23:00-7:00 UTC): sent at 2018-01-04T08:00:00.000Z']),
      rules([true, true, true, false], ['no model: the rules decide'], 'learned'),
      rules([true, true, true, false], ['no model: the rules decide', 'quiet hours (23:00-7:00 UTC): sent at 2018-01-04T07:00:00.000Z'], 'learned'),
      { policy: 'learned', model_id: 'm1', layer: 'outcome', actions: actions([true, true, false, true], true), top_features: [{ feature: 'topic=billing', contribution: 0.5 }], guard_rails: [] },
    ];
    // Each twice, so the second comes from the encoded ones.
    const file = path.join(dir, 'receipts.csv');
    const out = new RecordFile(file);
    const fields = new ReceiptFields();
    for (const receipt of [...receipts, ...receipts]) {
      fields.write(out, receipt);
      out.char(0x0a);
    }
    out.close();
    const expected = [...receipts, ...receipts].map((receipt) => `${nullableCsvField(JSON.stringify(receipt))}\n`).join('');
    expect(fs.readFileSync(file, 'utf8')).toBe(expected);
    // Receipts without a model's numbers are told apart by their key; one with numbers has none.
    const keys = receipts.slice(0, 7).map(modelFreeKey);
    expect(new Set(keys).size).toBe(7);
    expect(modelFreeKey(receipts[7])).toBeNull();
    expect(modelFreeKey({ ...receipts[0], extra: 1 } as Receipt)).toBeNull();
  });

  it('writes JSON fields (receipts, fired evidence) as nullableCsvField(JSON.stringify(...)) does', () => {
    const json = new CsvJson();
    const numbers = [0, -0, 1, -1, 0.7512, -0.1677, 0.30000000000000004, 1 / 3, 1e-7, 1e21, 12345.6789, -(2 ** 31), Number.NaN, Number.POSITIVE_INFINITY, 5e-324];
    const texts = ['', 'plain', 'say "hi"', 'back\\slash', 'tab\there', 'line\nend', 'a,b #c', 'émoji 😢', '\ud800 lone', '\u2028'];
    // Each value twice, so the second is the printed one kept.
    for (const value of [...numbers, ...numbers]) expect(json.number(value)).toBe(JSON.stringify(value));
    const fired: Array<Record<string, unknown>> = [
      {},
      { awaiting_reply_from: 'brand', hours_since_last_customer_message: 1613.71 },
      { is_urgent: true, topic: 'billing', customer_sentiment_end: null, brand_messages: 0 },
      Object.fromEntries(texts.map((text, i) => [text, numbers[i]])),
      { nested: { a: 1 } },
      { list: [1, 'x'] },
      { missing: undefined, kept: 1 },
    ];
    for (const record of fired) expect(json.record(record), JSON.stringify(record)).toBe(nullableCsvField(JSON.stringify(record)));
    const receipt = (i: number): Receipt => ({
      policy: 'learned',
      model_id: i % 3 === 0 ? null : `m${i}`,
      layer: (['outcome', 'propensity', 'rules'] as const)[i % 3],
      actions: (['twitter_public_reply', 'twitter_dm_reply', 'email_reply', 'scheduling_phone_call'] as const).map((action, k) => ({
        action,
        eligible: (i + k) % 4 !== 0,
        propensity: i % 3 === 0 ? null : numbers[(i + k) % numbers.length],
        expected_value: (i + k) % 4 === 0 ? null : Number(((i * 7 + k) / 13 - 0.5).toFixed(4)),
      })),
      top_features: texts.slice(0, i % 6).map((text, k) => ({ feature: `word=${text}`, contribution: Number((k / 7 - 0.3).toFixed(4)) })),
      guard_rails: texts.slice(i % 4, (i % 4) + (i % 3)),
    });
    for (let i = 0; i < 24; i += 1) expect(json.receipt(receipt(i))).toBe(nullableCsvField(JSON.stringify(receipt(i))));
  });
});
