// What process reads from a ClickHouse target: one row per interaction of the platform. The DuckDB engine reads it
// as an export, the ClickHouse engine as its `process_tweets` table; input.postgres.sql.ts is its PostgreSQL twin.
// Bound values: {platform:String}, {terms:Array(String)} (the lexicon's terms).

/** twcs anonymises customers as numbers, so the first @-mention that is not all digits names the brand addressed. */
export const BRAND_MENTION = `nullIf(arrayFirst(m -> NOT match(m, '^[0-9]+$'), JSONExtract(content_metadata, 'mentions', 'Array(String)')), '')`;

/**
 * Word tokens (lower-case runs of [a-z0-9']), not text: ClickHouse finds them ten times faster than DuckDB's regex does.
 * Only lexicon terms can become features, so just those ship, space-joined (a plain string column encodes faster than
 * a Parquet list). The brand a customer mentions first is set only for customers' tweets, the only ones it is read from.
 * customer_words holds every token of a customer's tweet (the learned model reads the words of recent messages).
 */
export const PROCESS_INPUT = `
SELECT external_id, participant_external_id AS author, inbound, interaction_timestamp AS ts, parent_external_id AS parent_id,
  arrayStringConcat(arrayFilter(t -> t IN {terms:Array(String)}, extractAll(lower(content_text), '[a-z0-9\\']+')), ' ') AS words,
  if(inbound, ${BRAND_MENTION}, NULL) AS first_mention,
  if(inbound, arrayStringConcat(extractAll(lower(content_text), '[a-z0-9\\']+'), ' '), NULL) AS customer_words
FROM interactions FINAL WHERE platform_type = {platform:String}`;
