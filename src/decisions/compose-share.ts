// One share of batch predict's compose step, in a worker thread (compose-worker.ts) or in the predict job's own
// thread: it reads rows [from, to) of the decided rows' Parquet file with its own in-memory DuckDB, composes each
// (compose-row.ts) and writes the actions as JSON lines to its own file, which the job's DuckDB then reads in one go.
// Without a language model to rewrite the messages, the share writes its rows of the user's CSV instead, in the file's
// order: the decided rows arrive sorted as the CSV is, so the job only puts the shares one after the other (instead of
// DuckDB sorting a gigabyte of finished rows by customer) and the store loads that file as it is.
import fs from 'node:fs';
import { DuckDBInstance, type DuckDBBlobValue } from '@duckdb/node-api';
import { DUCKDB_QUOTES, duckDbDouble, nullableCsvField } from '../files/csv-field.js';
import type { LearnedModel } from './model.js';
import type { Policy, Receipt } from './policy.js';
import type { RuleSet } from './rules.schema.js';
import type { Action } from './action.js';
import { actionColumns, composeContext, composeRow, jsonRecord, sendTimeText, type DecisionRow } from './compose-row.js';
import { DECISION_FIELDS, featureReader, rowReader } from './fields.js';
import { readDecidedShare } from './predict.sql.js';
import { CsvJson, printedOnce } from './csv-json.js';

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

/** Buffer#write without its checks of the arguments (Node's own Buffer#utf8Write, undocumented), else Buffer#write. */
const utf8Write: (buffer: Buffer, text: string, offset: number) => number =
  typeof (Buffer.prototype as { utf8Write?: unknown }).utf8Write === 'function'
    ? (buffer, text, offset) => (buffer as Buffer & { utf8Write(text: string, offset: number): number }).utf8Write(text, offset)
    : (buffer, text, offset) => buffer.write(text, offset);

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;

/**
 * Records encoded straight into one reused buffer and written with a synchronous write when it fills (the share does
 * nothing else meanwhile). Concatenating each chunk's records into one string, then handing it to a stream, made V8
 * flatten and copy every chunk into new memory: a tenth of a worker's time went to that copy and to page faults.
 * A CSV field's quotes go into the buffer around the text, so only a text with quotes of its own is copied (to double
 * them): a quoted copy of every field, and a cache of quoted receipts, took 5 s of a worker's 48 s with the learned
 * policy, whose receipts are nearly all distinct. Scanning and quoting the encoded bytes in JavaScript instead was
 * slower still on long texts (2.3 us against 0.3 us for a chat log).
 */
export class RecordFile {
  private readonly fd: number;
  private readonly buffer: Buffer;
  private used = 0;

  constructor(file: string, flags: 'w' | 'a' = 'w', size = 8 * 1024 * 1024) {
    this.fd = fs.openSync(file, flags);
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** A text as it is. */
  add(record: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (!this.reserve(record.length * 3)) {
      fs.writeSync(this.fd, record);
      return;
    }
    this.used += utf8Write(this.buffer, record, this.used);
  }

  /** Bytes as they are (a field encoded and quoted once, written many times). */
  bytes(bytes: Uint8Array): void {
    if (!this.reserve(bytes.length)) {
      this.flush();
      fs.writeSync(this.fd, bytes);
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** One ASCII character, by its code. */
  char(code: number): void {
    if (this.used === this.buffer.length) this.flush();
    this.buffer[this.used++] = code;
  }

  /** A text as DuckDB's CSV writer writes it (nullableCsvField, which this matches byte for byte). */
  field(text: string | null): void {
    if (text === null) return;
    if (text !== '' && !DUCKDB_QUOTES.test(text)) {
      this.add(text);
      return;
    }
    const inner = text.includes('"') ? text.replaceAll('"', '""') : text;
    if (!this.reserve(inner.length * 3 + 2)) {
      this.add(`"${inner}"`);
      return;
    }
    this.buffer[this.used++] = QUOTE;
    this.used += utf8Write(this.buffer, inner, this.used);
    this.buffer[this.used++] = QUOTE;
  }

  /**
   * A text given as its UTF-8 bytes, written as field() writes the same text: copied between quotes when it holds a
   * comma, a line end or a #, as it is when it holds none, and through field() when it holds a quote (to double it).
   * Each test is a native byte search; a text holds no such byte inside a multi-byte character.
   */
  utf8Field(bytes: Uint8Array | null): void {
    if (bytes === null) return;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (buffer.indexOf(QUOTE) >= 0) {
      this.field(buffer.toString('utf8'));
      return;
    }
    const quoted = buffer.length === 0 || buffer.indexOf(LF) >= 0 || buffer.indexOf(COMMA) >= 0 || buffer.indexOf(CR) >= 0 || buffer.indexOf(HASH) >= 0;
    if (!this.reserve(buffer.length + 2)) {
      this.field(buffer.toString('utf8'));
      return;
    }
    if (quoted) this.buffer[this.used++] = QUOTE;
    this.buffer.set(buffer, this.used);
    this.used += buffer.length;
    if (quoted) this.buffer[this.used++] = QUOTE;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  /** Room for `bytes` more in the buffer (flushing it if need be), or false when no buffer holds that much. */
  private reserve(bytes: number): boolean {
    if (this.used + bytes > this.buffer.length) this.flush();
    return bytes <= this.buffer.length;
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
    const result = await connection.stream(readDecidedShare(numbers, { chatLogBytes: 'csv' in setup.output }), {
      file: setup.input,
      from: BigInt(setup.from),
      to: BigInt(setup.to),
    });
    const names = result.columnNames();
    const context = composeContext(setup.rules, setup.model, setup.policy, new Date(setup.asOfMs), featureReader(names));
    const readRow = rowReader(names);
    const { output } = setup;
    const file = 'csv' in output ? new RecordFile(output.csv.file, output.csv.append ? 'a' : 'w') : new RecordFile(output.actions);
    const write = 'csv' in output ? csvLine(output.csv) : (out: RecordFile, _row: DecisionRow, action: Action) => out.add(jsonRecord(actionColumns(action)));
    try {
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of decidedRows(readRow, names, chunk.getColumns() as unknown[][], chunk.rowCount)) {
          const composed = composeRow(row, context);
          write(file, row, composed.action);
          layers[composed.layer] = (layers[composed.layer] ?? 0) + 1;
          channels[composed.action.channel] = (channels[composed.action.channel] ?? 0) + 1;
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
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** How a column of predict's CSV is written: into the file's buffer, from the decided row and its composed action. */
type FieldWriter = (out: RecordFile, row: DecisionRow, action: Action) => void;

/**
 * A prediction as one line of the user's CSV, written as DuckDB's CSV writer writes the same row of
 * `nba_predictions_out` (predict.sql.ts): a null is an empty field, an empty text is "", and the sentiment is printed as
 * DuckDB prints a DOUBLE. Without a language model every message is the rule-based one (llm_status off). Each field
 * goes into the file's buffer as it is: a line concatenated first is one more string for V8 to flatten and collect.
 */
function csvLine(share: CsvShare): (out: RecordFile, row: DecisionRow, action: Action) => void {
  const runId = nullableCsvField(share.runId);
  const asOf = nullableCsvField(share.asOf);
  const json = new CsvJson();
  const receipts = new ReceiptFields(json);
  const sendTimes = new Map<number, string>();
  const sentiments = new Map<number, string>();
  const fields: Record<string, FieldWriter> = {
    customer_id: (out, row) => out.field(text(row.customer_id)),
    chat_log: (out, row) => out.utf8Field(row.chat_log === null ? null : (row.chat_log as DuckDBBlobValue).bytes),
    channel: (out, _, action) => out.field(action.channel),
    message: (out, _, action) => out.field(action.message),
    send_time: (out, _, action) => {
      // A run's send times are a few hours of one or two days: each is printed once.
      if (action.send_time !== null) out.add(printedOnce(sendTimes, action.send_time.getTime(), PRINTED_CACHE_SIZE, () => sendTimeText(action)!));
    },
    reasoning: (out, _, action) => out.field(action.reasoning),
    issue_status: (out, _, action) => out.field(action.issue_status),
    conversation_id: (out, row) => out.field(text(row.conversation_id)),
    brand: (out, row) => out.field(text(row.brand)),
    rule_id: (out, _, action) => out.field(action.rule_id),
    llm_status: (out) => out.add('off'),
    topic: (out, row) => out.field(text(row.topic)),
    sentiment: (out, row) => {
      if (row.customer_sentiment_end === null) return;
      // Sentiments have four decimals: a run has a few thousand distinct ones, each printed once (a Map holds -0 as 0,
      // so zeros are printed each time).
      const value = Number(row.customer_sentiment_end);
      out.add(value === 0 ? duckDbDouble(value) : printedOnce(sentiments, value, PRINTED_CACHE_SIZE, () => duckDbDouble(value)));
    },
    fired: (out, _, action) => out.add(json.record(action.fired)),
    run_id: (out) => out.add(runId),
    as_of: (out) => out.add(asOf),
    receipt: (out, _, action) => receipts.write(out, action.receipt),
  };
  const writers = share.columns.map((column) => {
    const writer = fields[column];
    if (!writer) throw new Error(`predict's CSV has no writer for the column ${column}`);
    return writer;
  });
  const last = writers.length - 1;
  return (out, row, action) => {
    for (let i = 0; i < last; i += 1) {
      writers[i](out, row, action);
      out.char(COMMA);
    }
    writers[last](out, row, action);
    out.char(LF);
  };
}

/** How many distinct send times and sentiments a share keeps printed. */
const PRINTED_CACHE_SIZE = 65536;

/** How many distinct receipts a share keeps encoded: a run without a model has a few dozen. */
const RECEIPT_CACHE_SIZE = 4096;

/**
 * Receipts as CSV fields. A receipt without a model's numbers (the rules policy, or a policy with no model) says only
 * which actions were allowed and which guard-rails applied: a few dozen distinct receipts in a run of 606k rows. Each
 * is written (csv-json.ts) and encoded once and then copied as bytes (JSON.stringify, the quote test, doubling its
 * quotes and encoding 540 bytes took a quarter of a rules share's time). A receipt with a model's numbers is nearly
 * always distinct, so it is written as it is, with no lookup.
 */
export class ReceiptFields {
  private readonly encoded = new Map<string, Buffer>();

  constructor(private readonly json: CsvJson = new CsvJson()) {}

  write(out: RecordFile, receipt: Receipt): void {
    const key = modelFreeKey(receipt);
    if (key === null) {
      out.add(this.json.receipt(receipt));
      return;
    }
    let bytes = this.encoded.get(key);
    if (bytes === undefined) {
      bytes = Buffer.from(this.json.receipt(receipt));
      if (this.encoded.size < RECEIPT_CACHE_SIZE) this.encoded.set(key, bytes);
    }
    out.bytes(bytes);
  }
}

/** The receipt's own keys: one more (or fewer) and a receipt is no longer told apart by modelFreeKey. */
const RECEIPT_KEYS = 6;

/**
 * What tells a receipt without a model's numbers from another (its policy, layer, the actions' order and eligibility and
 * the guard-rails), or null when it has numbers (or a shape modelFreeKey does not know).
 */
export function modelFreeKey(receipt: Receipt): string | null {
  if (receipt.model_id !== null || receipt.top_features.length > 0) return null;
  let key = `${receipt.policy}|${receipt.layer}`;
  for (const action of receipt.actions) {
    if (action.propensity !== null || action.expected_value !== null) return null;
    key += `|${action.action}:${action.eligible ? 1 : 0}`;
  }
  for (const guard of receipt.guard_rails) key += `\u0000${guard}`;
  let keys = 0;
  for (const _ in receipt) keys += 1;
  return keys === RECEIPT_KEYS ? key : null;
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
