// Named DuckDB statements of predict's SQL composer (compose-sql.ts): the rules policy's actions, written as the
// user's CSV in one COPY. Every text comes from TypeScript (templates.ts, action.ts, policy.ts), as small tables the
// statements join on the conversations' values and as lists the COPY binds and picks from by position; SQL fills in
// the per-row values (ids, evidence, send time). Column names come from the closed set in fields.ts; rule ids and
// texts are bound or appended, never spliced in.
import { DECISION_FIELDS, identifier, isDecisionField } from './fields.js';
import type { Binder } from './compile.js';

/** The lookup tables the composer fills from TypeScript (appenders), before the statements below read them. */
export const CREATE_LOOKUPS = [
  // Per rule id a decision can carry (idx: its place in the list of ids, from 0): the matched rule's channel, and the
  // facts of the final decision (rule, guard-rail).
  `CREATE OR REPLACE TEMP TABLE compose_rules (rule_id VARCHAR, idx INTEGER, channel VARCHAR, timing VARCHAR, issue_status VARCHAR)`,
  // The open conversations' topics, each with its place in the list of topics (from 0).
  `CREATE OR REPLACE TEMP TABLE compose_topics (topic VARCHAR, idx INTEGER)`,
  // The signal bits of each word the signals read.
  `CREATE OR REPLACE TEMP TABLE compose_words (word VARCHAR, bits INTEGER)`,
  // The customer's signals (templates.ts customerSignals) per OR of word bits, praise topic, DM move and upset.
  `CREATE OR REPLACE TEMP TABLE compose_signals (said INTEGER, praise BOOLEAN, moved BOOLEAN, upset BOOLEAN, signal INTEGER)`,
  // The send time per timing and peak hours (as the conversation stores them, '' for none), with its reasoning text and
  // the quiet-hours guard-rail as JSON text (NULL when none applies).
  `CREATE OR REPLACE TEMP TABLE compose_send_times (timing VARCHAR, peak_hours VARCHAR, send_time VARCHAR, send_at VARCHAR, quiet_guard VARCHAR)`,
];

export const DROP_LOOKUPS = ['compose_rules', 'compose_topics', 'compose_words', 'compose_signals', 'compose_send_times', 'compose_said', 'composed_rows', 'composed_logs'].map(
  (table) => `DROP TABLE IF EXISTS ${table}`,
);

/** The values the composer reads: distinct topics and peak hours of the open conversations. */
export const SELECT_TOPICS = `SELECT DISTINCT coalesce(topic::VARCHAR, 'null') AS topic FROM decision_features`;
export const SELECT_PEAK_HOURS = `SELECT DISTINCT coalesce(peak_hours::VARCHAR, '') AS peak_hours FROM decision_features`;

/** Each open conversation's signal bits: the OR of its recent words' bits (set-based, one pass over the words). */
export const CREATE_SAID = `
CREATE OR REPLACE TEMP TABLE compose_said AS
SELECT conversation_id, bit_or(w.bits) AS said
FROM (SELECT conversation_id, unnest(recent_words) AS word FROM decision_features) JOIN compose_words w USING (word)
GROUP BY conversation_id`;

/**
 * A number as JavaScript's String(number) prints it (NaN and the infinities as JSON.stringify does when `json`).
 * DuckDB's JSON printer writes the shortest round trip, as V8 does, and switches to an exponent below 1e-6 as V8 does;
 * it differs in writing whole numbers with ".0" (1e20 as 100000000000000000000.0), minus zero as -0.0, and from 1e21 a
 * positive exponent without its "+". Whole numbers below 2^53 (the counts) are printed as integers, the fast way.
 */
function jsNumber(value: string, json: boolean): string {
  const x = `(${value})`;
  const special = json ? `'null'` : `CASE WHEN isnan(${x}) THEN 'NaN' WHEN ${x} > 0 THEN 'Infinity' ELSE '-Infinity' END`;
  return `CASE WHEN ${x} IS NULL THEN 'null' WHEN NOT isfinite(${x}) THEN ${special} WHEN ${x} = 0 THEN '0'
    WHEN ${x} = trunc(${x}) AND abs(${x}) < 9007199254740992 THEN (${x}::BIGINT)::VARCHAR
    ELSE CASE WHEN abs(${x}) >= 1e21 THEN replace(to_json(${x})::VARCHAR, 'e', 'e+')
      ELSE regexp_replace(to_json(${x})::VARCHAR, '\\.0$', '') END END`;
}

/** A decision feature's value as the reasoning's evidence shows it (templates.ts evidenceText) and as `fired` JSON holds it. */
function featureText(field: string): { evidence: string; json: string } {
  if (!isDecisionField(field)) throw new Error(`unknown decision field ${field}`);
  const column = `f.${identifier(field)}`;
  switch (DECISION_FIELDS[field]) {
    case 'number':
      return { evidence: jsNumber(`floor(${column}::DOUBLE * 100 + 0.5) / 100`, false), json: jsNumber(`${column}::DOUBLE`, true) };
    case 'boolean': {
      const text = `CASE WHEN ${column} IS NULL THEN 'null' WHEN ${column} THEN 'true' ELSE 'false' END`;
      return { evidence: text, json: text };
    }
    case 'text':
      return { evidence: `coalesce(${column}::VARCHAR, 'null')`, json: `coalesce(to_json(${column}::VARCHAR)::VARCHAR, 'null')` };
  }
}

/**
 * The evidence ("field=value, ...") and `fired` JSON of each final rule, as CASE expressions over the rule id:
 * `fieldsByRule` holds every rule with evidence, its fields in order. Rule ids and the JSON keys are bound.
 */
export function evidenceSql(fieldsByRule: ReadonlyArray<[string, readonly string[]]>, bind: Binder, separator: string): { evidence: string; fired: string } {
  if (fieldsByRule.length === 0) return { evidence: `''`, fired: `'{}'` };
  const evidence: string[] = [];
  const fired: string[] = [];
  for (const [ruleId, fields] of fieldsByRule) {
    const id = bind(ruleId);
    const texts = fields.map((field) => ({ field, ...featureText(field) }));
    evidence.push(`WHEN ${id} THEN ${texts.map((t, i) => `${bind(`${i === 0 ? '' : separator}${t.field}=`)} || ${t.evidence}`).join(' || ')}`);
    fired.push(`WHEN ${id} THEN ${texts.map((t, i) => `${bind(`${i === 0 ? '{' : ','}${JSON.stringify(t.field)}:`)} || ${t.json}`).join(' || ')} || '}'`);
  }
  return { evidence: `CASE g.rule_id ${evidence.join(' ')} ELSE '' END`, fired: `CASE g.rule_id ${fired.join(' ')} ELSE '{}' END` };
}

/** The set of eligible actions as bits (bit i: action i may be taken), from each action's compiled condition (NULL: always). */
export function eligibleSql(conditions: ReadonlyArray<string | null>): string {
  return conditions.map((condition, i) => (condition === null ? `${1 << i}` : `(CASE WHEN coalesce(${condition}, false) THEN ${1 << i} ELSE 0 END)`)).join(' + ');
}

/**
 * The rules policy's decisions, narrow, in the order of the user's file (`order`; a row's rowid is then its place):
 * the contact policy holds every conversation of a customer but the first-ranked one; each row gets its evidence, its
 * send time and the places of its texts in the lists the COPY binds, by arithmetic on small numbers rather than joins
 * on texts: the message's ((channel * topics + topic) * 8 + signals) * 2 + known brand, the reasoning frame's
 * (rule * topics + topic) * 8 + signals, the receipt's set of eligible actions (bit i for ACTIONS[i]); each from 1.
 * $upset_at, $contact_rule (the contact policy's rule id), $topics (how many) and $channels (the channels, in the
 * messages' order) bound. Sorting these rows, and then the chat logs alone,
 * took 2.4 s on the 2.8M-row file, where sorting the finished rows took 10.9 s.
 */
export function createComposedRows(parts: { evidence: string; fired: string; eligible: string; order: string }): string {
  return `
CREATE OR REPLACE TEMP TABLE composed_rows AS
WITH held AS (
  SELECT d.conversation_id, d.matched_rule, r.channel AS matched_channel, d.customer_rank > 1 AND r.channel <> 'no_action' AS held
  FROM decisions d JOIN compose_rules r ON r.rule_id = d.matched_rule
),
decided AS (
  SELECT h.conversation_id, f.customer_id, f.brand, f.topic, f.customer_sentiment_end::DOUBLE AS customer_sentiment_end,
    coalesce(f.topic::VARCHAR, 'null') AS topic_key, coalesce(f.peak_hours::VARCHAR, '') AS peak_key,
    coalesce(f.customer_moved_to_dm, false) AS moved, coalesce(f.customer_sentiment_end::DOUBLE, 0) <= $upset_at AS upset,
    h.held, CASE WHEN h.held THEN 'no_action' ELSE h.matched_channel END AS channel,
    g.rule_id, g.idx AS rule_idx, g.timing, g.issue_status,
    ${parts.evidence} AS evidence,
    ${parts.fired} AS fired,
    ${parts.eligible} AS eligible
  FROM held h
  JOIN decision_features f USING (conversation_id)
  JOIN compose_rules g ON g.rule_id = CASE WHEN h.held THEN $contact_rule ELSE h.matched_rule END
),
signalled AS (
  SELECT decided.*, s.signal, p.idx AS topic_idx
  FROM decided LEFT JOIN compose_said w USING (conversation_id)
  JOIN compose_signals s ON s.said = coalesce(w.said, 0) AND s.praise = (decided.topic_key = 'praise') AND s.moved = decided.moved AND s.upset = decided.upset
  JOIN compose_topics p ON p.topic = decided.topic_key
)
SELECT b.conversation_id, b.customer_id, b.brand, b.topic, b.customer_sentiment_end, b.held, b.channel, b.rule_id, b.issue_status,
  b.evidence, b.fired, b.eligible + 1 AS receipt_idx,
  (((list_position($channels, b.channel) - 1) * $topics + b.topic_idx) * 8 + b.signal) * 2 + (b.brand IS NOT NULL)::INTEGER + 1 AS message_idx,
  (b.rule_idx * $topics + b.topic_idx) * 8 + b.signal + 1 AS reasoning_idx,
  t.send_time, t.send_at, t.quiet_guard
FROM signalled b
JOIN compose_send_times t ON t.timing = b.timing AND t.peak_hours = b.peak_key
ORDER BY ${parts.order}`;
}

/** The features and decisions, once composed_rows holds what the texts need: the sorts below get their memory. */
export const DROP_DECIDED = ['DROP TABLE decisions', 'DROP TABLE decision_features'];

/** Each composed row's chat log, in composed_rows' order (for a positional join); the chat logs then go. */
export const CREATE_COMPOSED_LOGS = [
  `CREATE OR REPLACE TEMP TABLE composed_logs AS
   SELECT coalesce(l.chat_log, '') AS chat_log FROM composed_rows b LEFT JOIN chat_logs l USING (conversation_id) ORDER BY b.rowid`,
  `DROP TABLE chat_logs`,
];

/**
 * The rules policy's predictions, with the columns of the user's CSV (predict.sql.ts CREATE_PREDICTIONS), in
 * composed_rows' order: a positional join with the chat logs and texts picked from bound lists, no join that could
 * reorder rows. Bound: the texts ($m0, $k1, $m1, $k2, $m2: the messages cut at their slots; $heads, $tails: the
 * reasoning frames; $receipts: the receipts up to their guard-rails), $run_id, $as_of, $contact_guard (the guard-rail
 * as JSON text) and $evidence_opening.
 */
export function selectComposed(columns: readonly string[]): string {
  const values: Record<string, string> = {
    customer_id: 'b.customer_id',
    chat_log: 'l.chat_log',
    channel: 'b.channel',
    message: `$m0[b.message_idx] || ${slot('$k1')} || $m1[b.message_idx] || ${slot('$k2')} || $m2[b.message_idx]`,
    send_time: 'b.send_time',
    reasoning: `$heads[b.reasoning_idx] || CASE WHEN b.evidence <> '' THEN $evidence_opening || b.evidence ELSE '' END || $tails[b.reasoning_idx] || b.send_at`,
    issue_status: 'b.issue_status',
    conversation_id: 'b.conversation_id',
    brand: 'b.brand',
    rule_id: 'b.rule_id',
    llm_status: `'off'`,
    topic: 'b.topic',
    sentiment: 'b.customer_sentiment_end',
    fired: 'b.fired',
    run_id: '$run_id::VARCHAR',
    as_of: '$as_of::VARCHAR',
    receipt: `$receipts[b.receipt_idx] || concat_ws(',', CASE WHEN b.held THEN $contact_guard END, b.quiet_guard) || ']}'`,
  };
  const select = columns.map((column) => {
    const value = values[column];
    if (value === undefined) throw new Error(`predict's SQL composer has no value for the column ${column}`);
    return `${value} AS ${identifier(column)}`;
  });
  return `SELECT ${select.join(',\n  ')}\nFROM composed_rows b POSITIONAL JOIN composed_logs l`;
}

/** A message slot's value: the customer's id, the brand (known, by the row's has_brand key), or nothing. */
const slot = (kinds: string) => `CASE ${kinds}[b.message_idx] WHEN 'customer' THEN b.customer_id::VARCHAR WHEN 'brand' THEN b.brand ELSE '' END`;

/** The count of each channel among the composed predictions. */
export const COUNT_COMPOSED_CHANNELS = `SELECT channel, count(*)::INTEGER AS n FROM composed_rows GROUP BY channel ORDER BY channel`;
