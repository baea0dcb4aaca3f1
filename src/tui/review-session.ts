// review's core: load the newest predictions (from the target or a predictions file), apply earlier decisions, save
// each new decision at once, count them for the summary, and export what was approved (edited text included).
// nba_reviews has no send-time column: an approved or edited decision keeps its send time in `reason` as
// "send at <ISO time>" (a rejection keeps the lead's reason there), and sendTimeOf reads it back.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import { UserError } from '../errors.js';
import { readCsv, writeCsv } from '../files/csv.js';
import { isoTimestamp } from '../files/timestamps.js';
import { createStore, prepareStore, type LatestReview, type PredictionRow, type Store } from '../stores/index.js';
import { actionProblem, NO_ACTION, type Decision, type ReviewItem } from './review-state.js';

export interface ReviewSession {
  runId: string;
  items: ReviewItem[];
  save(decision: Decision): Promise<void>;
  close(): Promise<void>;
}

/** How many actions the lead approved, edited, rejected, and left alone. */
export interface ReviewSummary {
  total: number;
  approved: number;
  edited: number;
  rejected: number;
  untouched: number;
}

/** The columns a predictions file must have for review to read it (predict's nba_predictions.csv has them all). */
export const PREDICTION_FILE_COLUMNS = ['run_id', 'customer_id', 'conversation_id', 'channel', 'message', 'send_time'] as const;

const SEND_AT = 'send at ';

/** What nba_reviews keeps in `reason`: the lead's reason for a rejection, the send time for anything to send. */
function storedReason(decision: Decision): string {
  if (decision.decision === 'rejected') return decision.reason;
  return decision.send_time ? `${SEND_AT}${decision.send_time}` : '';
}

/** The send time a stored decision stands for: the one it kept, none for no_action, else the prediction's. */
export function sendTimeOf(review: Pick<LatestReview, 'decision' | 'channel' | 'reason'>, predicted: string | null): string | null {
  if (review.decision === 'rejected') return predicted;
  if (review.reason.startsWith(SEND_AT)) {
    const kept = review.reason.slice(SEND_AT.length);
    return isoTimestamp(kept) ?? kept;
  }
  return review.channel === NO_ACTION ? null : predicted;
}

/** An item with the lead's latest decision applied. */
function reviewed(item: ReviewItem, review: LatestReview | undefined): ReviewItem {
  if (!review) return item;
  return { ...item, decision: review.decision, channel: review.channel, message: review.message, send_time: sendTimeOf(review, item.send_time) };
}

/** A stored prediction as the screen shows it. */
function toItem(row: PredictionRow): ReviewItem {
  return {
    conversation_id: row.conversation_id,
    customer_id: row.customer_id,
    brand: row.brand,
    channel: row.channel,
    issue_status: row.issue_status,
    send_time: row.send_time?.toISOString() ?? null,
    llm_status: row.llm_status,
    message: row.message,
    reasoning: row.reasoning,
    rule_id: row.rule_id,
    fired: JSON.stringify(row.fired),
    chat_log: row.chat_log,
    as_of: row.as_of.toISOString(),
    receipt: JSON.stringify(row.receipt),
  };
}

/** A row of a predictions file as the screen shows it: the file is predict's output, its cells already text. */
function fileItem(row: Record<string, string | null>): ReviewItem {
  const cell = (name: keyof ReviewItem) => row[name] ?? '';
  // A file written elsewhere may hold an engine's text ("2017-11-01 21:00:00.000", UTC); the screen keeps ISO 8601.
  const time = (name: 'send_time' | 'as_of') => (row[name] ? (isoTimestamp(row[name]!) ?? row[name]!) : null);
  return {
    conversation_id: cell('conversation_id'),
    customer_id: cell('customer_id'),
    brand: row.brand ?? null,
    channel: cell('channel'),
    issue_status: cell('issue_status'),
    send_time: time('send_time'),
    llm_status: cell('llm_status'),
    message: cell('message'),
    reasoning: cell('reasoning'),
    rule_id: cell('rule_id'),
    fired: cell('fired'),
    chat_log: cell('chat_log'),
    as_of: time('as_of'),
    receipt: row.receipt ?? '',
  };
}

/** The rows of a predictions file, refused in one sentence when the file is something else (raw tweets, say). */
async function readPredictionsFile(file: string): Promise<{ runId: string; items: ReviewItem[] }> {
  if (!fs.existsSync(file)) throw new UserError('file_not_found', `The file ${file} does not exist.`);
  const rows = await readCsv(file);
  if (rows.length === 0) throw new UserError('file_empty', `${file} holds no predictions.`);
  const missing = PREDICTION_FILE_COLUMNS.filter((column) => !(column in rows[0]));
  if (missing.length > 0) {
    throw new UserError(
      'missing_columns',
      `${file} does not hold predictions (it has no ${missing.join(', ')} column${missing.length === 1 ? '' : 's'}): review reads the nba_predictions.csv that \`riverline run\` or \`riverline predict\` writes.`,
      { data: { missing } },
    );
  }
  return { runId: rows[0].run_id ?? '', items: rows.map(fileItem) };
}

/** The predictions to review: a file predict wrote, or the newest run in the store. */
async function loadPredictions(store: Store, file: string | undefined): Promise<{ runId: string; items: ReviewItem[] }> {
  if (file) return readPredictionsFile(file);
  const rows = await store.latestPredictions();
  return { runId: rows[0]?.run_id ?? '', items: rows.map(toItem) };
}

/** The predictions with the latest decision on each applied. */
async function loadReviewed(store: Store, file: string | undefined): Promise<{ runId: string; items: ReviewItem[] }> {
  const { runId, items } = await loadPredictions(store, file);
  if (items.length === 0) throw new UserError('file_empty', 'There are no predictions to review yet: run `riverline predict` first.');
  const earlier = new Map((await store.latestReviews(runId)).map((review) => [review.conversation_id, review]));
  return { runId, items: items.map((item) => reviewed(item, earlier.get(item.conversation_id))) };
}

export async function openReview(config: Config, options: { file?: string; reviewer: string }): Promise<ReviewSession> {
  const store: Store = createStore(config);
  try {
    await prepareStore(store);
    const { runId, items } = await loadReviewed(store, options.file);
    return {
      runId,
      items,
      save: (decision) =>
        store.saveReview({ ...decision, reason: storedReason(decision), review_id: randomUUID(), run_id: runId, reviewer: options.reviewer, reviewed_at: new Date() }),
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The counts the screen ends with. */
export function summarize(items: ReadonlyArray<Pick<ReviewItem, 'decision'>>): ReviewSummary {
  const count = (decision: ReviewItem['decision']) => items.filter((item) => item.decision === decision).length;
  const [approved, edited, rejected] = [count('approved'), count('edited'), count('rejected')];
  return { total: items.length, approved, edited, rejected, untouched: items.length - approved - edited - rejected };
}

export interface ExportResult {
  exported: number;
  /** Approved or edited actions left out because they are incomplete (see actionProblem). */
  incomplete: number;
}

/**
 * Writes the approved and edited actions of the newest run (or of the run a predictions file holds), with the edited
 * channel, text and send time. An action that could not be sent as it stands is left out and counted.
 */
export async function exportApproved(config: Config, out: string, options: { file?: string } = {}): Promise<ExportResult> {
  const store = createStore(config);
  try {
    await prepareStore(store);
    const { items } = await loadReviewed(store, options.file);
    const chosen = items.filter((item) => item.decision === 'approved' || item.decision === 'edited');
    const complete = chosen.filter((item) => actionProblem(item) === null);
    const columns = ['customer_id', 'conversation_id', 'brand', 'channel', 'message', 'send_time', 'issue_status', 'rule_id', 'decision'] as const;
    // Send times in the one format files carry (ISO 8601 UTC), whatever text a stored decision kept.
    const cell = (item: ReviewItem, column: (typeof columns)[number]) => (column === 'send_time' && item.send_time ? (isoTimestamp(item.send_time) ?? item.send_time) : (item[column] ?? null));
    await writeCsv(out, columns, complete.map((item) => columns.map((column) => cell(item, column))));
    return { exported: complete.length, incomplete: chosen.length - complete.length };
  } finally {
    await store.close();
  }
}
