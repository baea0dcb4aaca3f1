// Timestamp text from the engines as a Date. Every time Riverline keeps is UTC; the engines write it differently:
// DuckDB "2017-10-31 22:10:47+00", ClickHouse "2017-10-31 22:10:47.123" (no zone), PostgreSQL a Date or "...+00".

const ZONE = /(?:Z|[+-]\d\d(?::?\d\d)?)$/i;

/** A Date from an engine's timestamp text (a Date passes through); text without a zone is UTC. Invalid text gives an Invalid Date. */
export function parseTimestamp(value: string | Date): Date {
  if (value instanceof Date) return value;
  const text = value.trim().replace(' ', 'T');
  const time = text.split('T')[1];
  if (time === undefined) return new Date(`${text}T00:00:00Z`);
  const zone = ZONE.exec(time)?.[0];
  if (zone === undefined) return new Date(`${text}Z`);
  // "+00" is how DuckDB and PostgreSQL shorten a whole-hour offset; Date wants "+00:00".
  return new Date(/^[+-]\d\d$/.test(zone) ? `${text}:00` : text);
}
