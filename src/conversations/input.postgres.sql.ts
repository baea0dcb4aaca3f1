// What process reads from a PostgreSQL target: one row per interaction of the platform, with its cleaned text (the
// DuckDB engine tokenizes it). input.clickhouse.sql.ts is its ClickHouse twin.
import { postgresParam } from '../model/named-query.js';
import { AGENT_ACCOUNT, AGENT_MIN_REPLIES, AGENT_SIGN_OFF } from './input.clickhouse.sql.js';

/**
 * The first @-mention that is not all digits (twcs anonymises customers as numbers), found in the tweet's text: ingest's
 * content_metadata lists the text's mentions as the matches of `@(\w+)` (RE2's \w is [0-9A-Za-z_]), so the first of them
 * with a character other than a digit is this match. Reading the JSON instead (json_array_elements_text over
 * content_metadata->'mentions') cost 3.3 s of the 2.8M-row file's 6.8 s export; this costs under 1 s.
 * The mention's first character past its leading digits is the one that is not a digit, so the pattern says that
 * directly, and takes the match without its '@' rather than through a capture group: on the 2.8M-row file the same
 * 1,523,089 mentions (none differs) in 1.1 s against 1.8 s of PostgreSQL's time.
 */
export const FIRST_MENTION = `substr(substring(raw_text from '@[0-9]*[A-Za-z_][0-9A-Za-z_]*'), 2)`;

/**
 * One row per interaction. first_mention is read from customers' tweets only, so it is found only where the tweet is
 * inbound (an anonymised agent's too, unread); written in the outer select, the test costs no subquery.
 */
export const PROCESS_INPUT = `
WITH agents AS (
  SELECT participant_external_id FROM interactions
  WHERE platform_type = ${postgresParam('platform')} AND inbound AND parent_external_id IS NOT NULL
    AND participant_external_id ~ '${AGENT_ACCOUNT}' AND content_text ~ '${AGENT_SIGN_OFF}'
  GROUP BY participant_external_id HAVING count(*) >= ${AGENT_MIN_REPLIES}
)
SELECT external_id, participant_external_id AS author, inbound AND participant_external_id NOT IN (SELECT participant_external_id FROM agents) AS inbound,
  interaction_timestamp AS ts, parent_external_id AS parent_id,
  content_text AS text,
  CASE WHEN inbound THEN ${FIRST_MENTION} END AS first_mention
FROM interactions WHERE platform_type = ${postgresParam('platform')}`;
