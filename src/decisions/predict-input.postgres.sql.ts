// What predict reads from a PostgreSQL target: the open conversations with their customer's profile, and their
// messages. predict-input.clickhouse.sql.ts is the ClickHouse twin. recent_words travels in the CSV export as JSON text,
// which predict's decision features cast to a list (RECENT_WORDS_AS_LIST in predict-input.ts).
import { postgresParam } from '../model/named-query.js';

const PLATFORM = postgresParam('platform');

export const OPEN_CONVERSATIONS = `
SELECT c.*, p.peak_hours, p.channels_accepted, p.conversations AS customer_conversations, p.resolution_rate AS customer_resolution_rate
FROM conversations c LEFT JOIN customer_profiles p ON p.customer_id = c.customer_id
WHERE c.platform_type = ${PLATFORM} AND c.resolution_status = 'open'`;

export const OPEN_CONVERSATION_MESSAGES = `
SELECT m.conversation_id, m.seq, m.inbound, i.participant_external_id AS author, i.raw_text AS text
FROM conversation_messages m
JOIN conversations c ON c.conversation_id = m.conversation_id AND c.resolution_status = 'open'
JOIN interactions i ON i.platform_type = ${PLATFORM} AND i.external_id = m.external_id
WHERE c.platform_type = ${PLATFORM}`;
