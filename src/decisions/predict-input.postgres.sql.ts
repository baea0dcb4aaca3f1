// What predict reads from a PostgreSQL target: the open conversations with their customer's profile, and their
// chat logs. predict-input.clickhouse.sql.ts is the ClickHouse twin. recent_words travels in the CSV export as JSON text,
// which predict's decision features cast to a list (RECENT_WORDS_AS_LIST in predict-input.ts).
import { postgresParam } from '../model/named-query.js';

const PLATFORM = postgresParam('platform');

export const OPEN_CONVERSATIONS = `
SELECT c.*, p.peak_hours, p.channels_accepted, p.conversations AS customer_conversations, p.resolution_rate AS customer_resolution_rate
FROM conversations c LEFT JOIN customer_profiles p ON p.customer_id = c.customer_id
WHERE c.platform_type = ${PLATFORM} AND c.resolution_status = 'open'`;

/** One chat log per open conversation, as OPEN_CONVERSATION_CHAT_LOGS in predict-input.clickhouse.sql.ts builds it. */
export const OPEN_CONVERSATION_CHAT_LOGS = `
SELECT m.conversation_id,
  string_agg(CASE WHEN m.inbound THEN 'Customer' ELSE 'Agent (' || i.participant_external_id || ')' END || ': ' || replace(i.raw_text, chr(10), ' '),
    chr(10) ORDER BY m.seq) AS chat_log
FROM conversation_messages m
JOIN conversations c ON c.conversation_id = m.conversation_id AND c.resolution_status = 'open'
JOIN interactions i ON i.platform_type = ${PLATFORM} AND i.external_id = m.external_id
WHERE c.platform_type = ${PLATFORM}
GROUP BY m.conversation_id`;
