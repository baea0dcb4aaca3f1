// Timestamp text from the engines as a Date, and the one way Riverline writes a time into a file or JSON: ISO 8601 UTC
// with milliseconds ("2017-11-01T21:00:00.000Z"). Every time Riverline keeps is UTC; the engines write it differently:
// DuckDB "2017-10-31 22:10:47+00", ClickHouse "2017-10-31 22:10:47.123" (no zone), PostgreSQL a Date or "...+00".

const ZONE = /(?:Z|[+-]\d\d(?::?\d\d)?)$/i;
const WHOLE_HOUR_ZONE = /^[+-]\d\d$/;

/** DuckDB strftime format of ISO 8601 UTC with milliseconds, for a TIMESTAMPTZ in a UTC session. */
export const ISO_TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%S.%gZ';

/** A Date from an engine's timestamp text (a Date passes through); text without a zone is UTC. Invalid text gives an Invalid Date. */
export function parseTimestamp(value: string | Date): Date {
  if (value instanceof Date) return value;
  const text = value.trim().replace(' ', 'T');
  const time = text.split('T')[1];
  if (time === undefined) return new Date(`${text}T00:00:00Z`);
  const zone = ZONE.exec(time)?.[0];
  if (zone === undefined) return new Date(`${text}Z`);
  // "+00" is how DuckDB and PostgreSQL shorten a whole-hour offset; Date wants "+00:00".
  return new Date(WHOLE_HOUR_ZONE.test(zone) ? `${text}:00` : text);
}

/** A time as Riverline writes it ("2017-11-01T21:00:00.000Z"), from a Date or any engine's text; null when it is no time. */
export function isoTimestamp(value: string | Date): string | null {
  const time = parseTimestamp(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}
