// review's core: load the newest predictions (from the target or a file), apply earlier decisions, save each new
// decision at once, and export what was approved (edited text included).
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import { UserError } from '../errors.js';
import { readCsv, writeCsv } from '../files/csv.js';
import { createStore, prepareStore, type PredictionRow, type Store } from '../stores/index.js';
import type { Decision, ReviewItem } from './review.js';

export interface ReviewSession {
  runId: string;
  items: ReviewItem[];
  save(decision: Decision): Promise<void>;
  close(): Promise<void>;
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
    receipt: JSON.stringify(row.receipt),
  };
}

/** A row of a predictions file as the screen shows it: the file is predict's output, its cells already text. */
function fileItem(row: Record<string, string | null>): ReviewItem {
  const cell = (name: keyof ReviewItem) => row[name] ?? '';
  return {
    conversation_id: cell('conversation_id'),
    customer_id: cell('customer_id'),
    brand: row.brand ?? null,
    channel: cell('channel'),
    issue_status: cell('issue_status'),
    send_time: row.send_time || null,
    llm_status: cell('llm_status'),
    message: cell('message'),
    reasoning: cell('reasoning'),
    rule_id: cell('rule_id'),
    fired: cell('fired'),
    chat_log: cell('chat_log'),
    receipt: row.receipt ?? '',
  };
}

/** The predictions to review: a file predict wrote, or the newest run in the store. */
async function loadPredictions(store: Store, file: string | undefined): Promise<{ runId: string; items: ReviewItem[] }> {
  if (file) {
    if (!fs.existsSync(file)) throw new UserError('file_not_found', `The file ${file} does not exist.`);
    const rows = await readCsv(file);
    return { runId: rows[0]?.run_id ?? '', items: rows.map(fileItem) };
  }
  const rows = await store.latestPredictions();
  return { runId: rows[0]?.run_id ?? '', items: rows.map(toItem) };
}

export async function openReview(config: Config, options: { file?: string; reviewer: string }): Promise<ReviewSession> {
  const store: Store = createStore(config);
  await prepareStore(store);
  const { runId, items: predicted } = await loadPredictions(store, options.file).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  if (predicted.length === 0) {
    await store.close();
    throw new UserError('file_empty', 'There are no predictions to review yet: run `riverline predict` first.');
  }
  const earlier = new Map((await store.latestReviews(runId)).map((review) => [review.conversation_id, review]));
  const items = predicted.map((item) => {
    const review = earlier.get(item.conversation_id);
    return review ? { ...item, decision: review.decision, channel: review.channel, message: review.message } : item;
  });
  return {
    runId,
    items,
    save: (decision) => store.saveReview({ ...decision, review_id: randomUUID(), run_id: runId, reviewer: options.reviewer, reviewed_at: new Date() }),
    close: () => store.close(),
  };
}

/** Writes the approved and edited actions of the newest run, with the edited text. Returns how many. */
export async function exportApproved(config: Config, out: string): Promise<number> {
  const store = createStore(config);
  try {
    await prepareStore(store);
    const rows = await store.latestPredictions();
    if (rows.length === 0) throw new UserError('file_empty', 'There are no predictions to export yet: run `riverline predict` first.');
    const reviews = new Map((await store.latestReviews(rows[0].run_id)).map((review) => [review.conversation_id, review]));
    const approved = rows.flatMap((row) => {
      const review = reviews.get(row.conversation_id);
      return review && (review.decision === 'approved' || review.decision === 'edited')
        ? [{ ...toItem(row), channel: review.channel, message: review.message, decision: review.decision }]
        : [];
    });
    const columns = ['customer_id', 'conversation_id', 'brand', 'channel', 'message', 'send_time', 'issue_status', 'rule_id', 'decision'] as const;
    await writeCsv(out, columns, approved.map((item) => columns.map((column) => item[column])));
    return approved.length;
  } finally {
    await store.close();
  }
}
