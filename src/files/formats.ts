// The files DuckDB writes and reads between stages and for the user: the COPY options and the reader per format,
// and how a timestamp column travels in each. Everything here is SQL text from closed sets; the file is bound as $file.

/** Work files handed to a store: parquet for embedded ClickHouse, csv for PostgreSQL COPY, ndjson for a ClickHouse server. */
export type BatchFormat = 'parquet' | 'csv' | 'ndjson';

/** What a store hands back when a stage reads its tables. */
export type ExportFormat = 'parquet' | 'csv';

/** The user's predictions file (predict --format); json is one array, arrow an Arrow IPC file (files/arrow.ts). */
export type OutputFormat = 'csv' | 'parquet' | 'json' | 'arrow';

/** What DuckDB writes itself with COPY; it has no Arrow IPC writer offline, so files/arrow.ts writes those. */
export type FileFormat = BatchFormat | Exclude<OutputFormat, 'arrow'>;

export interface CopyOptions {
  /** Parquet only: a work file read once beside this process costs more to compress than it saves. */
  uncompressed?: boolean;
  /** Parquet only: rows per row group (DuckDB's default is 122,880), which bounds what the writer holds per group. */
  rowGroupRows?: number;
}

const COPY_OPTIONS: Record<FileFormat, string> = {
  parquet: 'FORMAT parquet',
  csv: 'FORMAT csv, HEADER true',
  ndjson: 'FORMAT json',
  json: 'FORMAT json, ARRAY true',
};

/** `COPY (select) TO $file (...)` in the given format. */
export function copyToFile(select: string, format: FileFormat, options: CopyOptions = {}): string {
  const compression = format === 'parquet' ? `, COMPRESSION ${options.uncompressed ? 'uncompressed' : 'snappy'}` : '';
  const rowGroups = format === 'parquet' && options.rowGroupRows !== undefined ? `, ROW_GROUP_SIZE ${Math.trunc(options.rowGroupRows)}` : '';
  return `COPY (${select}) TO $file (${COPY_OPTIONS[format]}${compression}${rowGroups})`;
}

/**
 * A timestamp (TIMESTAMPTZ) expression as it goes into a file: parquet keeps the type; text formats get UTC with
 * milliseconds ("2017-10-31 22:10:47.123"), which PostgreSQL COPY and ClickHouse's DateTime64 both read.
 */
export function timestampForFile(expression: string, format: FileFormat): string {
  return format === 'parquet' ? expression : `strftime(${expression}, '%Y-%m-%d %H:%M:%S.%g')`;
}

/**
 * The DuckDB table function that reads an exported file ($file). CSV comes from PostgreSQL's COPY: quotes doubled,
 * every row sampled for the column types, unless `columns` fixes them.
 */
export function readFile(format: ExportFormat, options: { columns?: Record<string, string> } = {}): string {
  if (format === 'parquet') return 'read_parquet($file)';
  if (!options.columns) return `read_csv($file, header = true, quote = '"', escape = '"', sample_size = -1)`;
  const columns = Object.entries(options.columns)
    .map(([name, type]) => `'${name}': '${type}'`)
    .join(', ');
  return `read_csv($file, header = true, auto_detect = false, quote = '"', escape = '"', columns = {${columns}})`;
}
