// What process reads from a PostgreSQL target: one row per interaction of the platform, with its cleaned text (the
// DuckDB engine tokenizes it). input.clickhouse.sql.ts is its ClickHouse twin.
import { postgresParam } from '../model/named-query.js';
import { AGENT_ACCOUNT, AGENT_MIN_REPLIES, AGENT_SIGN_OFF } from './input.clickhouse.sql.js';

/** One row per interaction; first_mention is its first @-mention that is not all digits (twcs anonymises customers as numbers). */
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
  (SELECT m FROM json_array_elements_text(content_metadata->'mentions') WITH ORDINALITY AS e(m, n) WHERE m !~ '^[0-9]+$' ORDER BY n LIMIT 1) AS first_mention
FROM interactions WHERE platform_type = ${postgresParam('platform')}`;
