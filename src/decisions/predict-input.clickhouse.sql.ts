// What predict reads from a ClickHouse target: the open conversations with their customer's profile, and their
// chat logs. predict-input.postgres.sql.ts is the PostgreSQL twin. Bound value: {platform:String}.
// recent_words arrives as a list; predict's decision features cast it (RECENT_WORDS_AS_LIST) so both twins end alike.
import { CONVERSATIONS } from '../model/schema.js';

/** The recent words as a list (Array(String) in the Parquet export, VARCHAR[] in DuckDB); the column holds JSON text. */
const RECENT_WORDS = `JSONExtract(c.recent_words, 'Array(String)') AS recent_words`;

export const OPEN_CONVERSATIONS = `
SELECT ${CONVERSATIONS.columns.map((column) => (column.name === 'recent_words' ? RECENT_WORDS : `c.${column.name} AS ${column.name}`)).join(', ')},
  p.peak_hours AS peak_hours, p.channels_accepted AS channels_accepted, p.conversations AS customer_conversations, p.resolution_rate AS customer_resolution_rate
FROM conversations c LEFT JOIN customer_profiles p ON p.customer_id = c.customer_id
WHERE c.platform_type = {platform:String} AND c.resolution_status = 'open'
SETTINGS join_use_nulls = 1`;

/**
 * One chat log per open conversation: its messages in order, one line each ("Customer: ..." or "Agent (brand): ...",
 * the text on one line), joined by newlines. predict-input.postgres.sql.ts builds the same text. Gathered here rather
 * than in DuckDB from an export of the lines: on the 2.8M-row file the export takes as long either way (4.6 to 4.9 s)
 * and DuckDB's 2.5 s of gathering 1.9M lines becomes a 0.3 s read, with the same 606,282 logs.
 *
 * The tweets stream on the left and the open conversations' message list is the join's (smaller) right side, the one
 * ClickHouse holds in memory: on the 2.8M-row file this took the export's peak from 2.4 GB to 1.6 GB (and 3.6 s to
 * 3.2 s) against joining the other way round, where every tweet's text was held.
 */
export const OPEN_CONVERSATION_CHAT_LOGS = `
SELECT conversation_id,
  arrayStringConcat(arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((seq,
    concat(if(inbound, 'Customer', concat('Agent (', author, ')')), ': ', replaceAll(text, '\\n', ' ')))))), '\\n') AS chat_log
FROM (
  SELECT m.conversation_id AS conversation_id, m.seq AS seq, m.inbound AS inbound, i.participant_external_id AS author, i.raw_text AS text
  FROM (SELECT external_id, participant_external_id, raw_text FROM interactions FINAL WHERE platform_type = {platform:String}) i
  JOIN (
    SELECT conversation_id, seq, inbound, external_id FROM conversation_messages
    WHERE conversation_id IN (SELECT conversation_id FROM conversations WHERE platform_type = {platform:String} AND resolution_status = 'open')
  ) m ON i.external_id = m.external_id
)
GROUP BY conversation_id`;
