// Named DuckDB statements of the staging stage: read, quality checks, normalize-and-export per batch.
// Values are bound ($name); the only text built here is from closed sets (column positions, encodings, formats).
// Each expensive expression appears once per row: DuckDB inlines aliases, so reusing one would run it again.
import type { SourceColumn, SourceFile } from './source-file.js';
import { FIRST_FAILING_CHECK } from '../quality/checks.sql.js';
import { PARSE_INBOUND, PARSE_TIMESTAMP, decodeEntities, normalizeId, trimSpaces } from './expressions.sql.js';
import { REJECT_COLUMNS } from '../model/interactions.js';
import { copyToFile, timestampForFile, type BatchFormat } from '../files/formats.js';

/** How DuckDB is to read the file: the source itself, or the tolerant reader's clean copy (with source_line). */
export interface CsvInput {
  source: SourceFile;
  /** Position of the column holding each record's line number in the source (the clean copy has one). */
  sourceLinePosition: number | null;
}

/** Longest record DuckDB reads; a longer one is quarantined. Twitter's texts are far shorter; exports are not always. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** read_csv over positional VARCHAR columns c0..cN; malformed lines go to the reject tables. Always UTF-8 here. */
function readCsv(input: CsvInput): string {
  const count = input.source.columnCount + (input.sourceLinePosition === null ? 0 : 1);
  const columns = Array.from({ length: count }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const compression = input.source.compression === 'gzip' ? 'gzip' : 'none';
  return `read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
    encoding = 'utf-8', compression = '${compression}', max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${2 * MAX_LINE_BYTES},
    store_rejects = true, rejects_scan = 'csv_reject_scans', rejects_table = 'csv_reject_errors',
    columns = {${columns}})`;
}

function column(source: SourceFile, name: SourceColumn): string {
  const position = source.positions[name];
  return position === undefined ? 'NULL::VARCHAR' : `c${position}`;
}

/** Raw fields by name, in file order: record_number is rowid + 1. */
export function createRawRows(input: CsvInput): string {
  const names: SourceColumn[] = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'response_tweet_id', 'in_response_to_tweet_id'];
  const select = names.map((name) => `${column(input.source, name)} AS ${name}`).join(', ');
  const line = input.sourceLinePosition === null ? 'NULL::UBIGINT' : `try_cast(c${input.sourceLinePosition} AS UBIGINT)`;
  return `CREATE OR REPLACE TEMP TABLE raw_rows AS SELECT ${select}, ${line} AS source_line FROM ${readCsv(input)}`;
}

/** DuckDB appends to its reject tables: each read starts from empty ones. */
export const DROP_READER_REJECTS = [`DROP TABLE IF EXISTS csv_reject_errors`, `DROP TABLE IF EXISTS csv_reject_scans`];

/** Records the tolerant reader could not read; filled by the caller (empty on the fast path). */
export const CREATE_TOLERANT_REJECTS = `CREATE OR REPLACE TEMP TABLE tolerant_rejects (line_number UBIGINT, reason VARCHAR, raw VARCHAR)`;

/** Lines DuckDB's reader refused, one per line. */
export const COUNT_READER_REJECTS = `SELECT count(DISTINCT line)::INTEGER AS n FROM csv_reject_errors`;

/** Cheap per-row checks over all rows (ids, timestamp, inbound, text), kept only for rows that fail. */
export const CREATE_ROW_CHECKS = `
CREATE OR REPLACE TEMP TABLE row_checks AS
SELECT rowid + 1 AS record_number, ${normalizeId('tweet_id')} AS external_id, ${PARSE_TIMESTAMP} AS interaction_timestamp,
  ${FIRST_FAILING_CHECK} AS check_reason, NULL::VARCHAR AS check_detail
FROM raw_rows`;

/** The newest timestamp that could be real: not later than a day past the clock (an upper bound for the window). */
export const NEWEST_PLAUSIBLE_TIMESTAMP = `
SELECT max(interaction_timestamp)::VARCHAR AS newest FROM row_checks
WHERE check_reason IS NULL AND interaction_timestamp >= $not_before AND interaction_timestamp <= now() + INTERVAL 1 DAY`;

/** Times outside [$not_before, $not_after] (year 9999, infinity, 1970) are quarantined as unparseable. */
export const REJECT_OUTSIDE_WINDOW = `
UPDATE row_checks SET check_reason = 'unparseable_timestamp',
  check_detail = 'outside the plausible window ' || strftime($not_before, '%Y-%m-%d %H:%M:%S') || ' to ' || strftime($not_after, '%Y-%m-%d %H:%M:%S') || ' UTC'
WHERE check_reason IS NULL AND (interaction_timestamp < $not_before OR interaction_timestamp > $not_after)`;

/**
 * Quarantined rows of this run: failed checks, later copies of an id (only among rows that pass the checks,
 * so a bad first copy does not push out a good second one), and lines the CSV reader could not parse.
 */
export const CREATE_STAGED_REJECTS = `
CREATE OR REPLACE TABLE staged_rejects AS
WITH duplicate_ids AS (
  SELECT external_id FROM row_checks WHERE check_reason IS NULL GROUP BY external_id HAVING count(*) > 1
),
failed AS (
  SELECT record_number, check_reason AS reason, coalesce(check_detail, '') AS detail FROM row_checks WHERE check_reason IS NOT NULL
  UNION ALL
  SELECT record_number, 'duplicate_id', '' FROM (
    SELECT record_number, row_number() OVER (PARTITION BY external_id ORDER BY record_number) AS nth
    FROM row_checks WHERE check_reason IS NULL AND external_id IN (SELECT external_id FROM duplicate_ids)
  ) WHERE nth > 1
)
SELECT $run_id AS run_id, $source_file AS source_file, f.record_number::UBIGINT AS record_number, r.source_line AS line_number,
       f.reason, f.detail,
       json_object('tweet_id', r.tweet_id, 'author_id', r.author_id, 'inbound', r.inbound, 'created_at', r.created_at,
         'text', r.text, 'response_tweet_id', r.response_tweet_id, 'in_response_to_tweet_id', r.in_response_to_tweet_id)::VARCHAR AS raw
FROM failed f JOIN raw_rows r ON r.rowid + 1 = f.record_number
UNION ALL
SELECT $run_id, $source_file, NULL, line::UBIGINT, 'malformed_row',
       lower(error_type::VARCHAR) || ': ' || error_message, coalesce(csv_line, '')
FROM (SELECT *, row_number() OVER (PARTITION BY line ORDER BY column_idx) AS nth FROM csv_reject_errors)
WHERE nth = 1
UNION ALL
SELECT $run_id, $source_file, NULL, line_number, 'malformed_row', reason, raw FROM tolerant_rejects`;

/** Record numbers the export skips. */
export const CREATE_REJECTED_RECORDS = `
CREATE OR REPLACE TEMP TABLE rejected_records AS
SELECT record_number - 1 AS row_index FROM staged_rejects WHERE record_number IS NOT NULL`;

export const COUNT_RAW_ROWS = `SELECT count(*)::INTEGER AS n FROM raw_rows`;
/** Newest timestamp among the rows that will load (duplicates share their first copy's timestamp or are newer). */
export const NEWEST_VALID_TIMESTAMP = `
SELECT max(interaction_timestamp)::VARCHAR AS newest FROM row_checks
WHERE check_reason IS NULL AND record_number - 1 NOT IN (SELECT row_index FROM rejected_records)`;
export const COUNT_REJECTS_BY_REASON = `SELECT reason, count(*)::INTEGER AS n FROM staged_rejects GROUP BY reason`;

/**
 * Cleaned text for features: leading @mentions (the reply addressing) and URLs removed, # dropped from hashtags,
 * trimmed. Mentions inside a sentence stay, so "thanks to @bob" keeps its meaning; raw_text keeps everything.
 * In three steps over named columns of nested selects (exportBatch), so each runs once per row and the last two only
 * where they change something: `replace` and `trim` cost 0.6 s and 1.0 s on the 2.8M-row file's texts, their guards
 * 0.2 s each.
 */
export const STRIP_ADDRESSING = `CASE WHEN contains(text, 'http')
      THEN regexp_replace(regexp_replace(text, '^(?:@\\w+\\s*)+', ''), '\\s*https?://\\S+', '', 'g')
      ELSE regexp_replace(text, '^(?:@\\w+\\s*)+', '') END`;
export const DROP_HASHES = `CASE WHEN contains(stripped, '#') THEN replace(stripped, '#', '') ELSE stripped END`;
export const CLEAN_TEXT = trimSpaces('unhashed');

/** Mentions, hashtags and URLs, extracted from the raw text before cleaning. */
export const CONTENT_METADATA = `json_object(
    'mentions', CASE WHEN contains(text, '@') THEN regexp_extract_all(text, '@(\\w+)', 1) ELSE []::VARCHAR[] END,
    'hashtags', CASE WHEN contains(text, '#') THEN regexp_extract_all(text, '#(\\w+)', 1) ELSE []::VARCHAR[] END,
    'urls', CASE WHEN contains(text, 'http') THEN regexp_extract_all(text, 'https?://\\S+') ELSE []::VARCHAR[] END)::VARCHAR`;

export const PLATFORM_METADATA = `json_object('response_tweet_ids',
    CASE WHEN response_tweet_id IS NULL OR trim(response_tweet_id) = '' THEN []::VARCHAR[]
      WHEN contains(response_tweet_id, '.') OR contains(response_tweet_id, ' ')
        THEN list_filter(list_transform(string_split(response_tweet_id, ','), x -> ${normalizeId('x')}), x -> x IS NOT NULL)
      ELSE string_split(response_tweet_id, ',') END)::VARCHAR`;

export type { BatchFormat };

/**
 * The universal interaction schema for valid rows with row index in [$first, $last]. interaction_id is the md5 of
 * platform:external_id as 32 hex digits (PostgreSQL and ClickHouse both read that as a UUID). CSV timestamps
 * are UTC text with milliseconds. The text's HTML entities are decoded once, in the inner select, so content_text,
 * raw_text and the metadata read decoded text and the decoding runs once per row (quarantined rows keep the file's text).
 */
export function exportBatch(format: BatchFormat): string {
  const select = `
  SELECT
    md5($platform || ':' || ${normalizeId('tweet_id')}) AS interaction_id,
    ${normalizeId('tweet_id')} AS external_id,
    $platform AS platform_type,
    ${normalizeId('author_id')} AS participant_external_id,
    ${CLEAN_TEXT} AS content_text,
    text AS raw_text,
    ${timestampForFile(PARSE_TIMESTAMP, format)} AS interaction_timestamp,
    ${normalizeId('in_response_to_tweet_id')} AS parent_external_id,
    ${PARSE_INBOUND} AS inbound,
    CASE WHEN ${normalizeId('in_response_to_tweet_id')} IS NULL THEN 'tweet' ELSE 'reply' END AS interaction_type,
    ${CONTENT_METADATA} AS content_metadata,
    ${PLATFORM_METADATA} AS platform_metadata,
    $run_id AS run_id
  FROM (
    SELECT *, ${DROP_HASHES} AS unhashed FROM (
      SELECT *, ${STRIP_ADDRESSING} AS stripped FROM (
        SELECT * REPLACE (${decodeEntities('text')} AS text) FROM raw_rows
        WHERE rowid BETWEEN $first AND $last AND rowid NOT IN (SELECT row_index FROM rejected_records)
      )
    )
  )
`;
  return copyToFile(select, format);
}

export function exportRejects(format: BatchFormat): string {
  return copyToFile(`SELECT ${REJECT_COLUMNS.join(', ')} FROM staged_rejects ORDER BY coalesce(record_number, line_number)`, format);
}
