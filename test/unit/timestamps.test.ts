import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../src/files/timestamps.js';

describe('isoTimestamp', () => {
  it.each([
    ['2017-11-01 21:00:00.000', '2017-11-01T21:00:00.000Z'],
    ['2017-11-01 21:00:00+00', '2017-11-01T21:00:00.000Z'],
    ['2017-11-01 22:00:00+01', '2017-11-01T21:00:00.000Z'],
    ['2017-11-01T21:00:00Z', '2017-11-01T21:00:00.000Z'],
    ['2017-11-01T21:00:00.000Z', '2017-11-01T21:00:00.000Z'],
    ['2017-11-01', '2017-11-01T00:00:00.000Z'],
  ])('writes %s as %s', (text, iso) => {
    expect(isoTimestamp(text)).toBe(iso);
  });

  it('passes a Date through as ISO 8601 UTC and says null for text that is no time', () => {
    expect(isoTimestamp(new Date(Date.UTC(2017, 10, 1, 21)))).toBe('2017-11-01T21:00:00.000Z');
    expect(isoTimestamp('soon')).toBeNull();
  });
});
