// review's core: load the newest predictions (from the target or a file), apply earlier decisions, save each new
// decision at once, and export what was approved (edited text included).
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import { UserError } from '../errors.js';
import { readCsv, writeCsv } from '../files/csv.js';
import { createStore, prepareStore, type Store } from '../stores/index.js';
import type { Decision, ReviewItem } from './review.js';

export interface ReviewSession {
  runId: string;
  items: ReviewItem[];
  save(decision: Decision): Promise<void>;
  close(): Promise<void>;
}

const text = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

function toItem(row: Record<string, unknown>): ReviewItem {
  const sendTime = row.send_time instanceof Date ? row.send_time.toISOString() : row.send_time ? String(row.send_time) : null;
  return {
    conversation_id: text(row.conversation_id),
    customer_id: text(row.customer_id),
    brand: row.brand === null || row.brand === undefined ? null : String(row.brand),
    channel: text(row.channel),
    issue_status: text(row.issue_status),
    send_time: sendTime,
    llm_status: text(row.llm_status),
    message: text(row.message),
    reasoning: text(row.reasoning),
    rule_id: text(row.rule_id),
    fired: text(row.fired),
    chat_log: text(row.chat_log),
  };
}

async function readFile(file: string): Promise<Array<Record<string, unknown>>> {
  if (!fs.existsSync(file)) throw new UserError('file_not_found', `The file ${file} does not exist.`);
  return readCsv(file);
}

export async function openReview(config: Config, options: { file?: string; reviewer: string }): Promise<ReviewSession> {
  const store: Store = createStore(config);
  await prepareStore(store);
  const rows = options.file ? await readFile(options.file) : await store.latestPredictions();
  if (rows.length === 0) {
    await store.close();
    throw new UserError('file_empty', 'There are no predictions to review yet: run `riverline predict` first.');
  }
  const runId = text(rows[0].run_id);
  const earlier = new Map((await store.latestReviews(runId)).map((row) => [text(row.conversation_id), row]));
  const items = rows.map(toItem).map((item) => {
    const review = earlier.get(item.conversation_id);
    return review ? { ...item, decision: review.decision as ReviewItem['decision'], channel: text(review.channel), message: text(review.message) } : item;
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
    const reviews = new Map((await store.latestReviews(text(rows[0].run_id))).map((row) => [text(row.conversation_id), row]));
    const approved = rows
      .map((row) => ({ row, review: reviews.get(text(row.conversation_id)) }))
      .filter(({ review }) => review && (review.decision === 'approved' || review.decision === 'edited'))
      .map(({ row, review }) => ({ ...toItem(row), channel: text(review?.channel), message: text(review?.message), decision: text(review?.decision) }));
    const columns = ['customer_id', 'conversation_id', 'brand', 'channel', 'message', 'send_time', 'issue_status', 'rule_id', 'decision'] as const;
    const cell = (value: unknown) => (value === null || value === undefined ? null : text(value));
    await writeCsv(out, columns, approved.map((item) => columns.map((column) => cell((item as Record<string, unknown>)[column]))));
    return approved.length;
  } finally {
    await store.close();
  }
}
