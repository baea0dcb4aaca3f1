import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from '../../src/files/csv-field.js';
import { copyToFile, readFile, timestampForFile } from '../../src/files/formats.js';
import { parseTimestamp } from '../../src/files/timestamps.js';

describe('parseTimestamp', () => {
  it("reads each engine's timestamp text as the same UTC instant", () => {
    const expected = Date.parse('2017-10-31T22:10:47.123Z');
    for (const text of ['2017-10-31 22:10:47.123+00', '2017-10-31 22:10:47.123', '2017-10-31T22:10:47.123Z', '2017-10-31 22:10:47.123+00:00', '2017-10-31 22:10:47.123456+00']) {
      expect(parseTimestamp(text).getTime(), text).toBe(expected);
    }
    expect(parseTimestamp('2017-10-31 23:10:47.123+01').getTime()).toBe(expected);
    expect(parseTimestamp('2017-10-31').toISOString()).toBe('2017-10-31T00:00:00.000Z');
  });

  it('passes a Date through and gives an Invalid Date for text that is not a time', () => {
    const date = new Date();
    expect(parseTimestamp(date)).toBe(date);
    expect(Number.isNaN(parseTimestamp('not a date').getTime())).toBe(true);
  });
});

describe('csvField', () => {
  it('quotes a field with a quote, a comma, an LF or a CR, and only then', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(csvRecord(['1', 'a,b', ''])).toBe('1,"a,b",');
  });
});

describe('file formats', () => {
  it('writes each format with its COPY options, and keeps timestamps typed only in parquet', () => {
    expect(copyToFile('SELECT 1', 'csv')).toBe('COPY (SELECT 1) TO $file (FORMAT csv, HEADER true)');
    expect(copyToFile('SELECT 1', 'parquet')).toBe('COPY (SELECT 1) TO $file (FORMAT parquet, COMPRESSION snappy)');
    expect(copyToFile('SELECT 1', 'parquet', { uncompressed: true })).toBe('COPY (SELECT 1) TO $file (FORMAT parquet, COMPRESSION uncompressed)');
    expect(copyToFile('SELECT 1', 'parquet', { uncompressed: true, rowGroupRows: 16384 })).toBe('COPY (SELECT 1) TO $file (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 16384)');
    expect(copyToFile('SELECT 1', 'csv', { rowGroupRows: 16384 })).toBe('COPY (SELECT 1) TO $file (FORMAT csv, HEADER true)');
    expect(copyToFile('SELECT 1', 'ndjson')).toBe('COPY (SELECT 1) TO $file (FORMAT json)');
    expect(copyToFile('SELECT 1', 'json')).toBe('COPY (SELECT 1) TO $file (FORMAT json, ARRAY true)');
    expect(timestampForFile('ts', 'parquet')).toBe('ts');
    expect(timestampForFile('ts', 'csv')).toBe("strftime(ts, '%Y-%m-%d %H:%M:%S.%g')");
    expect(readFile('parquet')).toBe('read_parquet($file)');
    expect(readFile('csv', { columns: { a: 'VARCHAR' } })).toContain("columns = {'a': 'VARCHAR'}");
  });
});
