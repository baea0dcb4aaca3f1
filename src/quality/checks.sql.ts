// Row-level quality checks, as DuckDB SQL over the raw VARCHAR fields of `raw_rows`.
// The first failing check names the reason. Duplicate ids are judged in staging/sql.ts,
// only among rows that pass these checks.
import { PARSE_INBOUND, PARSE_TIMESTAMP, normalizeId } from '../staging/expressions.sql.js';

/** A CASE expression naming the first failing check, NULL when the row passes. */
export const FIRST_FAILING_CHECK = `
  CASE
    WHEN ${normalizeId('tweet_id')} IS NULL THEN 'missing_id'
    WHEN ${normalizeId('author_id')} IS NULL THEN 'missing_author'
    WHEN ${PARSE_TIMESTAMP} IS NULL THEN 'unparseable_timestamp'
    WHEN ${PARSE_INBOUND} IS NULL THEN 'invalid_inbound'
    WHEN text IS NULL OR text = '' OR (ascii(text) IN (9, 10, 13, 32) AND trim(text, ' ' || chr(9) || chr(10) || chr(13)) = '') THEN 'empty_text'
  END`;
