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
