// One share of batch predict's compose step, in a worker thread (compose-worker.ts) or in the predict job's own
// thread: it reads rows [from, to) of the decided rows' Parquet file with its own in-memory DuckDB, composes each
// (compose-row.ts) and writes the actions as JSON lines to its own file, which the job's DuckDB then reads in one go.
// Without a language model to rewrite the messages, the share writes its rows of the user's CSV instead, in the file's
// order: the decided rows arrive sorted as the CSV is, so the job only puts the shares one after the other (instead of
// DuckDB sorting a gigabyte of finished rows by customer) and the store loads that file as it is.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckDbDouble, nullableCsvField } from '../files/csv-field.js';
import type { LearnedModel } from './model.js';
import type { Policy } from './policy.js';
import type { RuleSet } from './rules.schema.js';
import { composeContext, composeRow, jsonRecord, type ActionColumns, type DecisionRow } from './compose-row.js';
import { DECISION_FIELDS, featureReader, rowReader } from './fields.js';
import { readDecidedShare } from './predict.sql.js';

export interface ComposeShareSetup {
  rules: RuleSet;
  model: LearnedModel | null;
  policy: Policy;
  asOfMs: number;
  /** The decided rows (selectForTemplates) as Parquet. */
  input: string;
  /** Rows [from, to) of the input, by position. */
  from: number;
  to: number;
  /**
   * Where the share writes: its actions as JSON lines for the job's DuckDB (`actions`), or its lines of the user's CSV
   * (no header), when the decided rows carry the chat logs in the file's order and nothing rewrites the messages after.
   */
  output: { actions: string } | { csv: CsvShare };
}

export interface CsvShare {
  /** Where the lines go; `append` adds them to a file that holds the header already. */
  file: string;
  append: boolean;
  /** The prediction columns in the file's order (NBA_PREDICTIONS). */
  columns: readonly string[];
  runId: string;
  asOf: string;
}

export interface ComposeShareReport {
  layers: Record<string, number>;
  channels: Record<string, number>;
  rows: number;
}

/**
 * Records encoded straight into one reused buffer and written with a synchronous write when it fills (the share does
 * nothing else meanwhile). Concatenating each chunk's records into one string, then handing it to a stream, made V8
 * flatten and copy every chunk into new memory: a tenth of a worker's time went to that copy and to page faults.
 */
class RecordFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  private used = 0;

  constructor(file: string, flags: 'w' | 'a' = 'w') {
    this.fd = fs.openSync(file, flags);
  }

  add(record: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const most = record.length * 3;
    if (this.used + most > this.buffer.length) this.flush();
    if (most > this.buffer.length) {
      fs.writeSync(this.fd, record);
      return;
    }
    this.used += this.buffer.write(record, this.used);
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    let written = 0;
    while (written < this.used) written += fs.writeSync(this.fd, this.buffer, written, this.used - written);
    this.used = 0;
  }
}

export async function composeShare(setup: ComposeShareSetup): Promise<ComposeShareReport> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const layers: Record<string, number> = {};
  const channels: Record<string, number> = {};
  let rows = 0;
  try {
    const numbers = ['customer_rank', ...Object.entries(DECISION_FIELDS).filter(([, type]) => type === 'number').map(([field]) => field)];
    // One thread reads the file in order, so a share's rows keep the file's order.
    const result = await connection.stream(readDecidedShare(numbers), { file: setup.input, from: BigInt(setup.from), to: BigInt(setup.to) });
    const names = result.columnNames();
    const context = composeContext(setup.rules, setup.model, setup.policy, new Date(setup.asOfMs), featureReader(names));
    const readRow = rowReader(names);
    const { output } = setup;
    const file = 'csv' in output ? new RecordFile(output.csv.file, output.csv.append ? 'a' : 'w') : new RecordFile(output.actions);
    const write = 'csv' in output ? csvLine(output.csv) : (out: RecordFile, _row: DecisionRow, action: ActionColumns) => out.add(jsonRecord(action));
    try {
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of decidedRows(readRow, names, chunk.getColumns() as unknown[][], chunk.rowCount)) {
          const composed = composeRow(row, context);
          write(file, row, composed.columns);
          layers[composed.layer] = (layers[composed.layer] ?? 0) + 1;
          channels[composed.columns[1]] = (channels[composed.columns[1]] ?? 0) + 1;
          rows += 1;
        }
      }
    } finally {
      file.close();
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return { layers, channels, rows };
}

/**
 * A value of the decided rows as text: an id DuckDB read from a CSV export (PostgreSQL's) may arrive as a number, which
 * DuckDB prints as its digits.
 */
const text = (value: unknown): string => nullableCsvField(value === null || value === undefined ? null : String(value));

/** The quoted receipts last seen: a policy writes few distinct receipts (36 for 606k rules decisions), each about 500 bytes of JSON to quote. */
const QUOTED_RECEIPTS_KEPT = 4096;

/**
 * A prediction as one line of the user's CSV, written as DuckDB's CSV writer writes the same row of
 * `nba_predictions_out` (predict.sql.ts): a null is an empty field, an empty text is "", and the sentiment is printed as
 * DuckDB prints a DOUBLE. Without a language model every message is the rule-based one (llm_status off). Each field
 * goes into the file's buffer as it is: a line concatenated first is one more string for V8 to flatten and collect.
 */
function csvLine(share: CsvShare): (out: RecordFile, row: DecisionRow, action: ActionColumns) => void {
  const quotedReceipts = new Map<string, string>();
  const receiptField = (receipt: string) => {
    let quoted = quotedReceipts.get(receipt);
    if (quoted === undefined) {
      if (quotedReceipts.size >= QUOTED_RECEIPTS_KEPT) quotedReceipts.clear();
      quotedReceipts.set(receipt, (quoted = nullableCsvField(receipt)));
    }
    return quoted;
  };
  const runId = nullableCsvField(share.runId);
  const asOf = nullableCsvField(share.asOf);
  const fields: Record<string, (row: DecisionRow, action: ActionColumns) => string> = {
    customer_id: (row) => text(row.customer_id),
    chat_log: (row) => text(row.chat_log),
    channel: (_, action) => nullableCsvField(action[1]),
    message: (_, action) => nullableCsvField(action[2]),
    send_time: (_, action) => nullableCsvField(action[3]),
    reasoning: (_, action) => nullableCsvField(action[4]),
    issue_status: (_, action) => nullableCsvField(action[5]),
    conversation_id: (row) => text(row.conversation_id),
    brand: (row) => text(row.brand),
    rule_id: (_, action) => nullableCsvField(action[6]),
    llm_status: () => 'off',
    topic: (row) => text(row.topic),
    sentiment: (row) => (row.customer_sentiment_end === null ? '' : duckDbDouble(Number(row.customer_sentiment_end))),
    fired: (_, action) => nullableCsvField(action[7]),
    run_id: () => runId,
    as_of: () => asOf,
    receipt: (_, action) => receiptField(action[8]),
  };
  const writers = share.columns.map((column) => {
    const writer = fields[column];
    if (!writer) throw new Error(`predict's CSV has no writer for the column ${column}`);
    return writer;
  });
  const last = writers.length - 1;
  return (out, row, action) => {
    for (let i = 0; i < last; i += 1) {
      out.add(writers[i](row, action));
      out.add(',');
    }
    out.add(writers[last](row, action));
    out.add('\n');
  };
}

/** A chunk's columns as the row objects compose-row.ts reads (recent words split back into a list). */
function decidedRows(readRow: ReturnType<typeof rowReader>, names: readonly string[], columns: unknown[][], count: number): DecisionRow[] {
  const words = names.indexOf('recent_words');
  const out: DecisionRow[] = new Array(count);
  for (let j = 0; j < count; j += 1) {
    const row = readRow(columns, j);
    const text = words < 0 ? null : (columns[words][j] as string | null);
    row.recent_words = text === null ? null : text === '' ? [] : text.split(' ');
    out[j] = row as DecisionRow;
  }
  return out;
}
