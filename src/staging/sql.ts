// Named DuckDB statements of the staging stage: read, normalize, quality, export.
// Values are bound ($name); the only text built here is from closed sets (column positions, encodings, formats).
import type { SourceColumn, SourceFile } from './source-file.js';
import { FIRST_FAILING_CHECK, WITH_DUPLICATE_CHECK } from '../quality/checks.sql.js';

export const TWITTER_TIMESTAMP_FORMAT = '%a %b %d %H:%M:%S %z %Y';

/** read_csv over positional VARCHAR columns c0..cN; malformed lines go to the reject tables. */
function readCsv(source: SourceFile): string {
  const columns = Array.from({ length: source.columnCount }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const encoding = source.encoding === 'latin-1' ? 'latin-1' : 'utf-8';
  return `read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
    encoding = '${encoding}', store_rejects = true, rejects_scan = 'csv_reject_scans', rejects_table = 'csv_reject_errors',
    columns = {${columns}})`;
}

function column(source: SourceFile, name: SourceColumn): string {
  const position = source.positions[name];
  return position === undefined ? 'NULL::VARCHAR' : `c${position}`;
}

/** Raw fields by name, numbered in file order. */
export function createRawRows(source: SourceFile): string {
  const names: SourceColumn[] = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'response_tweet_id', 'in_response_to_tweet_id'];
  const select = names.map((name) => `${column(source, name)} AS ${name}`).join(', ');
  return `CREATE OR REPLACE TEMP TABLE raw_rows AS
    SELECT row_number() OVER () AS record_number, ${select} FROM ${readCsv(source)}`;
}

/** Ids may arrive written as floats by pandas ("3.0"). */
const normalizeId = (expr: string) => `nullif(regexp_replace(trim(${expr}), '^(\\d+)\\.0+$', '\\1'), '')`;

/**
 * Normalizes raw rows into the universal interaction schema and marks each row with reject_reason (NULL = valid).
 * Cleaning keeps raw_text intact; content_text drops URLs and @mentions and unwraps #hashtags.
 */
export const CREATE_STAGED_INTERACTIONS = `
CREATE OR REPLACE TABLE staged_interactions AS
WITH parsed AS (
  SELECT
    record_number,
    ${normalizeId('tweet_id')} AS external_id,
    ${normalizeId('author_id')} AS participant_external_id,
    coalesce(try_strptime(trim(created_at), '${TWITTER_TIMESTAMP_FORMAT}'), try_cast(trim(created_at) AS TIMESTAMPTZ)) AS interaction_timestamp,
    CASE
      WHEN lower(trim(inbound)) IN ('true', 't', '1', 'yes', 'y', '1.0') THEN true
      WHEN lower(trim(inbound)) IN ('false', 'f', '0', 'no', 'n', '0.0') THEN false
    END AS inbound,
    text AS raw_text,
    ${normalizeId('in_response_to_tweet_id')} AS parent_external_id,
    list_filter(
      list_transform(string_split(coalesce(response_tweet_id, ''), ','), x -> ${normalizeId('x')}),
      x -> x IS NOT NULL) AS response_ids,
    tweet_id, author_id, inbound AS inbound_raw, created_at, text, response_tweet_id, in_response_to_tweet_id
  FROM raw_rows
),
checked AS (
  SELECT *, ${FIRST_FAILING_CHECK} AS check_reason FROM parsed
)
SELECT
  record_number,
  ${WITH_DUPLICATE_CHECK} AS reject_reason,
  md5($platform || ':' || external_id)::UUID::VARCHAR AS interaction_id,
  external_id,
  $platform AS platform_type,
  participant_external_id,
  trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(raw_text, ''),
    'https?://\\S+', ' ', 'g'), '(^|[^\\w])@\\w+', '\\1 ', 'g'), '#(\\w+)', '\\1', 'g'), '\\s+', ' ', 'g')) AS content_text,
  coalesce(raw_text, '') AS raw_text,
  interaction_timestamp,
  parent_external_id,
  inbound,
  CASE WHEN parent_external_id IS NULL THEN 'tweet' ELSE 'reply' END AS interaction_type,
  json_object(
    'mentions', regexp_extract_all(coalesce(raw_text, ''), '@(\\w+)', 1),
    'hashtags', regexp_extract_all(coalesce(raw_text, ''), '#(\\w+)', 1),
    'urls', regexp_extract_all(coalesce(raw_text, ''), 'https?://\\S+')
  )::VARCHAR AS content_metadata,
  json_object('response_tweet_ids', response_ids)::VARCHAR AS platform_metadata,
  json_object('tweet_id', tweet_id, 'author_id', author_id, 'inbound', inbound_raw, 'created_at', created_at,
    'text', text, 'response_tweet_id', response_tweet_id, 'in_response_to_tweet_id', in_response_to_tweet_id)::VARCHAR AS raw_fields
FROM checked`;

/** Every quarantined row of this run: quality failures and lines the CSV reader could not parse. */
export const CREATE_STAGED_REJECTS = `
CREATE OR REPLACE TABLE staged_rejects AS
SELECT $run_id AS run_id, $source_file AS source_file, record_number::UBIGINT AS record_number, NULL::UBIGINT AS line_number,
       reject_reason AS reason, '' AS detail, raw_fields AS raw
FROM staged_interactions WHERE reject_reason IS NOT NULL
UNION ALL
SELECT $run_id, $source_file, NULL, line::UBIGINT, 'malformed_row',
       lower(error_type::VARCHAR) || ': ' || error_message, coalesce(csv_line, '')
FROM (SELECT *, row_number() OVER (PARTITION BY line ORDER BY column_idx) AS nth FROM csv_reject_errors)
WHERE nth = 1`;

export const COUNT_RAW_ROWS = `SELECT count(*)::INTEGER AS n FROM raw_rows`;

export const COUNT_REJECTS_BY_REASON = `SELECT reason, count(*)::INTEGER AS n FROM staged_rejects GROUP BY reason`;

export const SUMMARIZE_VALID = `
SELECT count(*)::INTEGER AS n, max(interaction_timestamp)::VARCHAR AS max_ts, min(interaction_timestamp)::VARCHAR AS min_ts
FROM staged_interactions WHERE reject_reason IS NULL`;

/** The interaction columns every target stores, in this order. */
export const INTERACTION_COLUMNS = [
  'interaction_id',
  'external_id',
  'platform_type',
  'participant_external_id',
  'content_text',
  'raw_text',
  'interaction_timestamp',
  'parent_external_id',
  'inbound',
  'interaction_type',
  'content_metadata',
  'platform_metadata',
  'run_id',
] as const;

export const REJECT_COLUMNS = ['run_id', 'source_file', 'record_number', 'line_number', 'reason', 'detail', 'raw'] as const;

export type BatchFormat = 'parquet' | 'csv';

const FORMAT_OPTIONS: Record<BatchFormat, string> = {
  parquet: `FORMAT parquet, COMPRESSION zstd`,
  csv: `FORMAT csv, HEADER true`,
};

/** Timestamps leave as UTC text with milliseconds in CSV (read by PostgreSQL and ClickHouse alike). */
function interactionSelect(format: BatchFormat): string {
  return INTERACTION_COLUMNS.map((name) => {
    if (name === 'run_id') return `$run_id AS run_id`;
    if (name === 'interaction_timestamp' && format === 'csv') return `strftime(interaction_timestamp, '%Y-%m-%d %H:%M:%S.%g') AS interaction_timestamp`;
    return name;
  }).join(', ');
}

/** Writes valid rows as one file per batch (batch_no=K/data_0.*) in one pass. */
export function exportBatches(format: BatchFormat): string {
  return `COPY (
    SELECT ${interactionSelect(format)}, ((record_number - 1) // $batch_size)::BIGINT AS batch_no
    FROM staged_interactions WHERE reject_reason IS NULL
  ) TO $dir (${FORMAT_OPTIONS[format]}, PARTITION_BY (batch_no), OVERWRITE)`;
}

export function exportRejects(format: BatchFormat): string {
  return `COPY (SELECT ${REJECT_COLUMNS.join(', ')} FROM staged_rejects ORDER BY coalesce(record_number, line_number)) TO $file (${FORMAT_OPTIONS[format]})`;
}
