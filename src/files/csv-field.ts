// CSV text built in process, only where DuckDB's writer (csv.ts) cannot serve: the generator and ingest's clean copy
// of a repaired file write millions of rows at speed (the generator also writes deliberately broken ones), and
// explore prints the rows of a query it has already run. Quoting follows RFC 4180.

const NEEDS_QUOTES = /[",\r\n]/;

/** One field: quoted (with doubled quotes) when it holds a quote, a comma or a line end (CR or LF). */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, without its line end. */
export function csvRecord(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/** What DuckDB's CSV writer quotes: RFC 4180's characters and its reader's comment character, #. */
export const DUCKDB_QUOTES = /[",\r\n#]/;

/**
 * A text as DuckDB's CSV writer writes it, where a file must match one DuckDB wrote: a null is an empty field, an
 * empty text is "" (so the two read back apart), and a text with a quote, a comma, a line end or a # is quoted.
 */
export function nullableCsvField(text: string | null): string {
  if (text === null) return '';
  return text === '' || DUCKDB_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A double as DuckDB prints one (in a CSV, or cast to text): the shortest digits that read back as the same number,
 * in exponent form below 1e-4 or from 1e16 on (at least two exponent digits, with a sign: 1e-05, 1e+16), and ".0" on a
 * whole number.
 */
export function duckDbDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, power] = value.toExponential().split('e');
  const exponent = Number(power);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  const fixed = String(value);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}
