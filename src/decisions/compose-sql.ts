// Batch predict's SQL composer: the rules policy's actions, without a language model, written as the user's CSV by one
// DuckDB COPY, where the compose shares (compose-share.ts) decide and write each row in JavaScript. A rules decision is
// a lookup: its texts depend on the rule, the topic, a few signals, the timing and the peak hours, and the rest of a
// row (ids, evidence, send time) is filled in. So TypeScript renders every text a run can need (templates.ts,
// action.ts, policy.ts: the same functions serve and the shares call) into small tables that SQL joins and lists that
// the COPY picks from by position. Only the evidence's numbers are printed in SQL, as JavaScript prints them
// (compose.sql.ts). Tests hold both composers to the same file, byte for byte.
import { listValue, type DuckDBAppender } from '@duckdb/node-api';
import type { Staging } from '../staging/duckdb.js';
import { copyToFile } from '../files/formats.js';
import { NO_RULE_MATCHED } from './decide.js';
import { quietHoursGuard, ruleFacts, rulesByIdOf } from './action.js';
import { binder, compileCondition } from './compile.js';
import { ACTIONS } from './model.js';
import { CONTACT_POLICY_RULE, contactPolicyGuard, receiptOf } from './policy.js';
import { actionSettings, CHANNELS, TIMINGS, type RuleSet } from './rules.schema.js';
import { computeSendTime } from './send-time.js';
import {
  customerSignals,
  EVIDENCE_OPENING,
  EVIDENCE_SEPARATOR,
  reasoningFrame,
  sendAtText,
  SIGNAL_BITS,
  signalWords,
  templateMessage,
  UPSET_AT,
  type CustomerSignals,
} from './templates.js';
import * as sql from './compose.sql.js';
import { PREDICTION_ORDER } from './predict.sql.js';

export interface SqlComposeResult {
  predictions: number;
  byChannel: Record<string, number>;
}

/**
 * Writes the rules policy's predictions for the decided conversations (`decisions`, `decision_features`, `chat_logs`)
 * to `file` as the user's CSV, with the header, in PREDICTION_ORDER. It drops `decisions`, `decision_features` and
 * `chat_logs` on the way (the last step of predict to read them), so that its sorts have their memory.
 */
export async function composeInSql(
  staging: Staging,
  rules: RuleSet,
  context: { asOf: Date; runId: string; file: string; columns: readonly string[] },
): Promise<SqlComposeResult> {
  for (const statement of sql.CREATE_LOOKUPS) await staging.run(statement);
  try {
    const { topics, ruleIds } = await fillLookups(staging, rules, context.asOf);
    const messages = messageTexts(topics);
    const frames = reasoningFrames(rules, ruleIds, topics);

    const params: Record<string, string | number | boolean> = {};
    const bind = binder(params, 'c');
    const byId = rulesByIdOf(rules);
    const withEvidence = ruleIds.map((id) => [id, ruleFacts(id, rules, byId).fields] as [string, readonly string[]]).filter(([, fields]) => fields.length > 0);
    const settings = actionSettings(rules);
    const eligible = sql.eligibleSql(ACTIONS.map((action) => (settings.allowed_when[action] === undefined ? null : compileCondition(settings.allowed_when[action]!, bind))));
    const evidence = sql.evidenceSql(withEvidence, bind, EVIDENCE_SEPARATOR);
    await staging.run(sql.createComposedRows({ ...evidence, eligible, order: PREDICTION_ORDER }), {
      ...params,
      upset_at: UPSET_AT,
      contact_rule: CONTACT_POLICY_RULE,
      topics: topics.length,
      channels: listValue([...CHANNELS]),
    });
    for (const statement of [...sql.DROP_DECIDED, ...sql.CREATE_COMPOSED_LOGS]) await staging.run(statement);
    // An empty list has no item type to bind: with no decided rows, nothing reads it, so it holds one empty text.
    const texts = (list: readonly string[]) => listValue(list.length > 0 ? [...list] : ['']);
    await staging.run(copyToFile(sql.selectComposed(context.columns), 'csv'), {
      file: context.file,
      run_id: context.runId,
      as_of: context.asOf.toISOString(),
      contact_guard: JSON.stringify(contactPolicyGuard(rules)),
      evidence_opening: EVIDENCE_OPENING,
      m0: texts(messages.parts[0]),
      k1: texts(messages.parts[1]),
      m1: texts(messages.parts[2]),
      k2: texts(messages.parts[3]),
      m2: texts(messages.parts[4]),
      heads: texts(frames.heads),
      tails: texts(frames.tails),
      receipts: texts(receiptPrefixes()),
    });
    const counts = await staging.rows<{ channel: string; n: number }>(sql.COUNT_COMPOSED_CHANNELS);
    const byChannel = Object.fromEntries(counts.map((row) => [row.channel, row.n]));
    return { predictions: counts.reduce((sum, row) => sum + row.n, 0), byChannel };
  } finally {
    for (const statement of sql.DROP_LOOKUPS) await staging.run(statement);
  }
}

/** The lookup tables of a run (compose.sql.ts CREATE_LOOKUPS), filled; returns the topics and rule ids, in the order their indexes follow. */
async function fillLookups(staging: Staging, rules: RuleSet, asOf: Date): Promise<{ topics: string[]; ruleIds: string[] }> {
  const topics = (await staging.rows<{ topic: string }>(sql.SELECT_TOPICS)).map((row) => row.topic);
  const peaks = (await staging.rows<{ peak_hours: string }>(sql.SELECT_PEAK_HOURS)).map((row) => row.peak_hours);
  // A rule may take a guard-rail's id; its own facts then apply, as ruleFacts finds it first.
  const ruleIds = [...new Set([...rules.rules.map((rule) => rule.id), NO_RULE_MATCHED.rule_id, CONTACT_POLICY_RULE])];
  await fill(staging, 'compose_rules', ruleRows(rules, ruleIds));
  await fill(staging, 'compose_words', [...signalWords()].map(([word, bits]) => [word, bits]));
  await fill(staging, 'compose_signals', signalRows());
  await fill(staging, 'compose_topics', topics.map((topic, idx) => [topic, idx]));
  await fill(staging, 'compose_send_times', sendTimeRows(rules, asOf, peaks));
  await staging.run(sql.CREATE_SAID);
  return { topics, ruleIds };
}

type Cell = string | number | boolean | null;

async function fill(staging: Staging, table: string, rows: Iterable<Cell[]>): Promise<void> {
  const appender = await staging.connection.createAppender(table, 'main', 'temp');
  try {
    for (const row of rows) {
      for (const cell of row) append(appender, cell);
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
}

function append(appender: DuckDBAppender, cell: Cell): void {
  if (cell === null) appender.appendNull();
  else if (typeof cell === 'string') appender.appendVarchar(cell);
  else if (typeof cell === 'number') appender.appendInteger(cell);
  else appender.appendBoolean(cell);
}

/** Per rule id, with its place in `ids`: the channel the rule answers (matched), and the timing and status of a decision with that id. */
function* ruleRows(rules: RuleSet, ids: readonly string[]): Iterable<Cell[]> {
  const byId = rulesByIdOf(rules);
  for (const [idx, id] of ids.entries()) {
    const facts = ruleFacts(id, rules, byId);
    yield [id, idx, byId.get(id)?.channel ?? NO_RULE_MATCHED.channel, facts.timing, facts.issue_status];
  }
}

/** A signal set as the composer's key: thanks, DM, upset as bits (a batch run never knows of a question). */
const signalKey = (s: CustomerSignals): number => (s.thanks ? 1 : 0) | (s.dm ? 2 : 0) | (s.upset ? 4 : 0);

function signalsOfKey(key: number): CustomerSignals {
  return { thanks: (key & 1) !== 0, question: false, dm: (key & 2) !== 0, upset: (key & 4) !== 0 };
}

/**
 * customerSignals for every OR of word bits, praise topic, DM move and upset: each bit stands for a word that carries
 * that bit alone (a word carrying two says both, as their OR does).
 */
function* signalRows(): Iterable<Cell[]> {
  const single = new Map<number, string>();
  for (const [word, bits] of signalWords()) if (!single.has(bits) && (bits & (bits - 1)) === 0) single.set(bits, word);
  for (let said = 0; said <= SIGNAL_BITS; said += 1) {
    const words: string[] = [];
    for (let bit = 1; bit <= SIGNAL_BITS; bit <<= 1) {
      if ((said & bit) === 0) continue;
      const word = single.get(bit);
      if (word === undefined) throw new Error(`no signal word carries bit ${bit} alone`);
      words.push(word);
    }
    for (const praise of [false, true]) {
      for (const moved of [false, true]) {
        for (const upset of [false, true]) {
          const signals = customerSignals({ customer_sentiment_end: upset ? UPSET_AT : 0, topic: praise ? 'praise' : 'other', customer_moved_to_dm: moved, recent_words: words });
          yield [said, praise, moved, upset, signalKey(signals)];
        }
      }
    }
  }
}

/** Stand-ins for the customer id and the brand in a rendered message, cut out again as its slots. */
const CUSTOMER_MARK = '\u0001';
const BRAND_MARK = '\u0002';

/**
 * Every message a run can send, cut at its slots (at most two: the customer's handle, the brand's name), as five lists
 * (text, slot, text, slot, text; a slot is 'customer', 'brand' or ''), in the order compose.sql.ts computes a message's
 * place: by channel (CHANNELS), topic (`topics`), signals and known brand.
 */
function messageTexts(topics: readonly string[]): { parts: string[][] } {
  const parts: string[][] = [[], [], [], [], []];
  for (const channel of CHANNELS) {
    for (const topic of topics) {
      for (let key = 0; key < 8; key += 1) {
        for (const hasBrand of [false, true]) {
          const message = templateMessage({
            customer_id: CUSTOMER_MARK,
            brand: hasBrand ? BRAND_MARK : null,
            channel,
            rule_id: '',
            rule_description: '',
            fired: {},
            topic,
            customer_sentiment_end: null,
            send_time: null,
            signals: signalsOfKey(key),
          });
          slots(message).forEach((part, i) => parts[i].push(part));
        }
      }
    }
  }
  return { parts };
}

/** A message as [text, slot, text, slot, text] around at most two slots ('customer' or 'brand'; '' when unused). */
function slots(message: string): string[] {
  const parts: string[] = [];
  let rest = message;
  for (;;) {
    const at = [rest.indexOf(CUSTOMER_MARK), rest.indexOf(BRAND_MARK)].filter((i) => i >= 0).sort((a, b) => a - b)[0];
    if (at === undefined) break;
    parts.push(rest.slice(0, at), rest[at] === CUSTOMER_MARK ? 'customer' : 'brand');
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  if (parts.length > 5) throw new Error('a message template has more than two slots');
  while (parts.length < 5) parts.push('', '');
  return parts;
}

/** The reasoning's frames (text before the evidence, after it), in the order compose.sql.ts computes a frame's place: by rule id (`ids`), topic and signals. */
function reasoningFrames(rules: RuleSet, ids: readonly string[], topics: readonly string[]): { heads: string[]; tails: string[] } {
  const byId = rulesByIdOf(rules);
  const heads: string[] = [];
  const tails: string[] = [];
  for (const id of ids) {
    const { description } = ruleFacts(id, rules, byId);
    for (const topic of topics) {
      for (let key = 0; key < 8; key += 1) {
        const { head, tail } = reasoningFrame({ rule_id: id, rule_description: description, topic, signals: signalsOfKey(key) });
        heads.push(head);
        tails.push(tail);
      }
    }
  }
  return { heads, tails };
}

/** The send time of every timing and peak hours (computeSendTime), its reasoning text and the quiet-hours guard-rail. */
function* sendTimeRows(rules: RuleSet, asOf: Date, peaks: readonly string[]): Iterable<Cell[]> {
  for (const timing of TIMINGS) {
    for (const peak of peaks) {
      const sendTime = computeSendTime({ asOf, timing, peakHours: peak ? (JSON.parse(peak) as number[]) : [], quietHours: rules.quiet_hours });
      const guard = quietHoursGuard(rules, asOf, timing, sendTime);
      yield [timing, peak, sendTime ? sendTime.toISOString() : null, sendAtText(sendTime), guard === null ? null : JSON.stringify(guard)];
    }
  }
}

/** The rules policy's receipt up to its guard-rails' list, for every set of eligible actions (position: the set's bits + 1). */
function receiptPrefixes(): string[] {
  const prefixes: string[] = [];
  for (let bits = 0; bits < 1 << ACTIONS.length; bits += 1) {
    const eligible = ACTIONS.filter((_, i) => (bits & (1 << i)) !== 0);
    const text = JSON.stringify(receiptOf({ policy: 'rules', modelId: null, layer: 'rules', eligible, scores: null, top: [], guardRails: [] }));
    if (!text.endsWith('[]}')) throw new Error('a receipt does not end with its guard-rails');
    prefixes.push(text.slice(0, -2));
  }
  return prefixes;
}
