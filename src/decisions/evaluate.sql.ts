// Named DuckDB statements of the backtest: for each brand reply, the decision features as they were just before it,
// and the channel the brand actually steered to. Runs after buildMessageSignals (message_features and listed_hits).
import { derivedFeaturesSql } from './derived.js';
import { ESCALATION_LIST, TOPIC_LISTS, TOPIC_NAMES, URGENCY_LIST } from '../conversations/duckdb.sql.js';

/** Per message: urgency and escalation cues and its own topic (most hits, ties by taxonomy order; NULL without any). */
export const CREATE_MESSAGE_LISTS = `
CREATE OR REPLACE TEMP TABLE message_lists AS
SELECT idx,
  bool_or(list_no = ${URGENCY_LIST}) AS urgent, bool_or(list_no = ${ESCALATION_LIST}) AS escalating,
  ${TOPIC_NAMES}[arg_max(list_no, hits * 1000 - list_no) FILTER (WHERE list_no <= ${TOPIC_LISTS})] AS msg_topic
FROM (SELECT idx, list_no, count(*) AS hits FROM listed_hits GROUP BY idx, list_no)
GROUP BY idx`;

/**
 * One sample per brand reply that follows at least one customer message. Every feature is computed over the
 * messages before the reply (window ROWS ... 1 PRECEDING), so nothing from the reply or later leaks in.
 */
export const CREATE_SAMPLES = `
CREATE OR REPLACE TEMP TABLE samples AS
WITH s AS (
  SELECT f.*, coalesce(l.urgent, false) AS urgent, coalesce(l.escalating, false) AS escalating, l.msg_topic
  FROM message_features f LEFT JOIN message_lists l USING (idx)
),
w AS (
  SELECT external_id, customer_id, ts, inbound, ask_dm, ask_email, ask_phone,
    count(*) OVER before AS message_count,
    count(*) FILTER (WHERE inbound) OVER before AS customer_messages,
    count(*) FILTER (WHERE NOT inbound) OVER before AS brand_messages,
    1 + count(*) FILTER (WHERE speaker_changed) OVER before AS turns,
    last_value(inbound) OVER before AS last_inbound,
    min(ts) FILTER (WHERE inbound) OVER before AS first_customer_at,
    max(ts) FILTER (WHERE inbound) OVER before AS last_customer_at,
    min(ts) FILTER (WHERE NOT inbound) OVER before AS first_brand_at,
    first_value(CASE WHEN inbound THEN sentiment END IGNORE NULLS) OVER before AS sentiment_start,
    last_value(CASE WHEN inbound THEN sentiment END IGNORE NULLS) OVER before AS sentiment_end,
    first_value(CASE WHEN inbound THEN msg_topic END IGNORE NULLS) OVER before AS first_topic,
    bool_or(urgent AND inbound) OVER before AS any_urgent,
    bool_or(escalating AND inbound) OVER before AS any_escalating,
    bool_or(ask_dm AND NOT inbound) OVER before AS asked_dm,
    bool_or(ask_email AND NOT inbound) OVER before AS asked_email,
    bool_or(ask_phone AND NOT inbound) OVER before AS asked_phone,
    bool_or(says_dm AND inbound) OVER before AS said_dm
  FROM s
  WINDOW before AS (PARTITION BY root_ptr, customer_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
SELECT external_id, customer_id, ts,
  CASE WHEN ask_phone THEN 'scheduling_phone_call' WHEN ask_email THEN 'email_reply' WHEN ask_dm THEN 'twitter_dm_reply' ELSE 'twitter_public_reply' END AS actual_channel,
  (epoch_ms(ts) - epoch_ms(last_customer_at)) / 60000.0 AS actual_delay_minutes,
  message_count, customer_messages, brand_messages, turns,
  CASE WHEN last_inbound THEN 'customer' ELSE 'brand' END AS last_speaker,
  CASE WHEN last_inbound THEN 'brand' ELSE 'customer' END AS awaiting_reply_from,
  CASE WHEN first_brand_at IS NOT NULL THEN (epoch_ms(first_brand_at) - epoch_ms(first_customer_at)) / 60000.0 END AS first_response_minutes,
  NULL::DOUBLE AS median_response_minutes,
  (epoch_ms(ts) - epoch_ms(last_customer_at)) / 3600000.0 AS hours_since_last_customer_message,
  sentiment_start AS customer_sentiment_start,
  sentiment_end AS customer_sentiment_end,
  sentiment_end - sentiment_start AS sentiment_trend,
  coalesce(first_topic, 'other') AS topic,
  coalesce(asked_dm, false) AS brand_asked_dm,
  coalesce(asked_email, false) AS brand_asked_email,
  coalesce(asked_phone, false) AS brand_asked_phone,
  ${derivedFeaturesSql({ urgent: 'any_urgent', escalating: 'any_escalating', moved_to_dm: 'asked_dm AND said_dm', sentiment_trend: 'sentiment_end - sentiment_start' })},
  1 AS customer_conversations,
  0.0 AS customer_resolution_rate
FROM w
WHERE NOT inbound AND customer_messages > 0`;

/** Each customer's busiest hours (UTC) from their own tweets, for the predicted send delay. */
export const CREATE_PEAK_HOURS = `
CREATE OR REPLACE TEMP TABLE peak_hours AS
SELECT customer_id, list(hour ORDER BY nth) AS peak_hours FROM (
  SELECT author AS customer_id, hour(ts) AS hour, row_number() OVER (PARTITION BY author ORDER BY count(*) DESC, hour(ts)) AS nth
  FROM tweets WHERE inbound GROUP BY author, hour(ts)
) WHERE nth <= 3 GROUP BY customer_id`;

export function selectDecided(ruleCase: string): string {
  return `
SELECT s.actual_channel, s.actual_delay_minutes, s.ts::VARCHAR AS ts, to_json(coalesce(p.peak_hours, []))::VARCHAR AS peak_hours,
  ${ruleCase} AS rule_id
FROM samples s LEFT JOIN peak_hours p USING (customer_id)`;
}
