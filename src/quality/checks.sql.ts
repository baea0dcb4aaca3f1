// Row-level quality checks, as DuckDB SQL over the parsed columns of `parsed_rows`.
// The first failing check names the reason; duplicates are judged only among rows that pass the rest,
// so a bad first copy does not push out a good second one.

/** A CASE expression naming the first failing check, NULL when the row passes. */
export const FIRST_FAILING_CHECK = `
  CASE
    WHEN external_id IS NULL OR external_id = '' THEN 'missing_id'
    WHEN participant_external_id IS NULL OR participant_external_id = '' THEN 'missing_author'
    WHEN interaction_timestamp IS NULL THEN 'unparseable_timestamp'
    WHEN inbound IS NULL THEN 'invalid_inbound'
    WHEN raw_text IS NULL OR trim(raw_text) = '' THEN 'empty_text'
  END`;

/** Adds reject_reason to checked rows: the failing check, or duplicate_id for a later copy of a valid id. */
export const WITH_DUPLICATE_CHECK = `
  CASE
    WHEN check_reason IS NOT NULL THEN check_reason
    WHEN row_number() OVER (PARTITION BY external_id, check_reason IS NULL ORDER BY record_number) > 1 THEN 'duplicate_id'
  END`;
