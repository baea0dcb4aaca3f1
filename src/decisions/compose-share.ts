// One share of batch predict's compose step, in a worker thread (compose-worker.ts) or in the predict job's own
// thread: it reads rows [from, to) of the decided rows' Parquet file with its own in-memory DuckDB, composes each
// (compose-row.ts) and writes the actions as JSON lines to its own file, which the job's DuckDB then reads in one go.
// Without a language model to rewrite the messages, the share writes its rows of the user's CSV instead, in the file's
// order: the decided rows arrive sorted as the CSV is, so the job only puts the shares one after the other (instead of
// DuckDB sorting a gigabyte of finished rows by customer) and the store loads that file as it is.
import fs from 'node:fs';
import { DuckDBInstance, DuckDBTypeId, type DuckDBBlobVector, type DuckDBDataChunk } from '@duckdb/node-api';
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

/** The bytes DuckDB's CSV writer quotes a field for (nullableCsvField): a quote, a comma, CR, LF and #. */
const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const HASH = 0x23;

/** Buffer#write without its checks of the arguments (Node's own Buffer#utf8Write, undocumented), else Buffer#write. */
const utf8Write: (buffer: Buffer, text: string, offset: number) => number =
  typeof (Buffer.prototype as { utf8Write?: unknown }).utf8Write === 'function'
    ? (buffer, text, offset) => (buffer as Buffer & { utf8Write(text: string, offset: number): number }).utf8Write(text, offset)
    : (buffer, text, offset) => buffer.write(text, offset);

/**
 * Records encoded straight into one reused buffer and written with a synchronous write when it fills (the share does
 * nothing else meanwhile). Concatenating each chunk's records into one string, then handing it to a stream, made V8
 * flatten and copy every chunk into new memory: a tenth of a worker's time went to that copy and to page faults.
 * A CSV field is quoted in the buffer, on its UTF-8 bytes (a multi-byte character never holds an ASCII byte), so no
 * quoted copy of the text is made, and a field that arrives as bytes (the chat log) is never a string at all.
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

  /** One ASCII character, by its code. */
  char(code: number): void {
    if (this.used === this.buffer.length) this.flush();
    this.buffer[this.used++] = code;
  }

  /** A text as DuckDB's CSV writer writes it (nullableCsvField, which this matches byte for byte). */
  field(text: string | null): void {
    if (text === null) return;
    // Encoded, then quoted in place: at most 3 bytes a code unit, each of them possibly a doubled quote, and two quotes.
    if (!this.reserve(text.length * 6 + 2)) {
      this.add(nullableCsvField(text));
      return;
    }
    this.quoteInPlace(utf8Write(this.buffer, text, this.used));
  }

  /** A text given as its UTF-8 bytes, as field() writes it. */
  fieldBytes(bytes: Uint8Array | null): void {
    if (bytes === null) return;
    if (!this.reserve(bytes.length * 2 + 2)) {
      this.add(nullableCsvField(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')));
      return;
    }
    this.buffer.set(bytes, this.used);
    this.quoteInPlace(bytes.length);
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

  /**
   * The `length` bytes just written at the end of the buffer as one CSV field: kept as they are, or, when they are
   * empty or hold a byte DuckDB quotes for, moved right and wrapped in quotes with every quote doubled (from the
   * end backwards, so no byte is overwritten before it is moved). The caller reserved room for that.
   */
  private quoteInPlace(length: number): void {
    const buffer = this.buffer;
    const start = this.used;
    const end = start + length;
    let quotes = 0;
    let special = length === 0;
    for (let i = start; i < end; i += 1) {
      const byte = buffer[i];
      if (byte === QUOTE) quotes += 1;
      else if (byte === COMMA || byte === LF || byte === CR || byte === HASH) special = true;
    }
    if (quotes === 0 && !special) {
      this.used = end;
      return;
    }
    let to = end + quotes;
    buffer[to + 1] = QUOTE;
    for (let i = end - 1; i >= start; i -= 1) {
      const byte = buffer[i];
      buffer[to--] = byte;
      if (byte === QUOTE) buffer[to--] = QUOTE;
    }
    buffer[start] = QUOTE;
    this.used = end + quotes + 2;
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
    const blobs = result.columnTypes().map((type) => type.typeId === DuckDBTypeId.BLOB);
    const context = composeContext(setup.rules, setup.model, setup.policy, new Date(setup.asOfMs), featureReader(names));
    const readRow = rowReader(names);
    const { output } = setup;
    const file = 'csv' in output ? new RecordFile(output.csv.file, output.csv.append ? 'a' : 'w') : new RecordFile(output.actions);
    const write = 'csv' in output ? csvLine(output.csv) : (out: RecordFile, _row: DecisionRow, action: ActionColumns) => out.add(jsonRecord(action));
    try {
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of decidedRows(readRow, names, chunkColumns(chunk, blobs), chunk.rowCount)) {
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
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** How a column of predict's CSV is written: into the file's buffer, from the decided row and its composed action. */
type FieldWriter = (out: RecordFile, row: DecisionRow, action: ActionColumns) => void;

/**
 * A prediction as one line of the user's CSV, written as DuckDB's CSV writer writes the same row of
 * `nba_predictions_out` (predict.sql.ts): a null is an empty field, an empty text is "", and the sentiment is printed as
 * DuckDB prints a DOUBLE. Without a language model every message is the rule-based one (llm_status off). Each field
 * goes into the file's buffer as it is: a line concatenated first is one more string for V8 to flatten and collect.
 */
function csvLine(share: CsvShare): (out: RecordFile, row: DecisionRow, action: ActionColumns) => void {
  const runId = nullableCsvField(share.runId);
  const asOf = nullableCsvField(share.asOf);
  const fields: Record<string, FieldWriter> = {
    customer_id: (out, row) => out.field(text(row.customer_id)),
    chat_log: (out, row) => out.fieldBytes(row.chat_log as Uint8Array | null),
    channel: (out, _, action) => out.field(action[1]),
    message: (out, _, action) => out.field(action[2]),
    send_time: (out, _, action) => out.field(action[3]),
    reasoning: (out, _, action) => out.field(action[4]),
    issue_status: (out, _, action) => out.field(action[5]),
    conversation_id: (out, row) => out.field(text(row.conversation_id)),
    brand: (out, row) => out.field(text(row.brand)),
    rule_id: (out, _, action) => out.field(action[6]),
    llm_status: (out) => out.add('off'),
    topic: (out, row) => out.field(text(row.topic)),
    sentiment: (out, row) => {
      if (row.customer_sentiment_end !== null) out.add(duckDbDouble(Number(row.customer_sentiment_end)));
    },
    fired: (out, _, action) => out.field(action[7]),
    run_id: (out) => out.add(runId),
    as_of: (out) => out.add(asOf),
    receipt: (out, _, action) => out.field(action[8]),
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

/**
 * A chunk's columns as arrays of values; a BLOB column (the chat log) as each value's bytes, without the copy into a
 * Buffer that reading it as a value makes.
 */
function chunkColumns(chunk: DuckDBDataChunk, blobs: readonly boolean[]): unknown[][] {
  const columns: unknown[][] = new Array(blobs.length);
  for (let i = 0; i < blobs.length; i += 1) {
    if (!blobs[i]) {
      columns[i] = chunk.getColumnValues(i);
      continue;
    }
    const vector = chunk.getColumnVector(i) as DuckDBBlobVector;
    const values: Array<Uint8Array | null> = new Array(chunk.rowCount);
    for (let j = 0; j < chunk.rowCount; j += 1) values[j] = vector.getItemBytes(j);
    columns[i] = values;
  }
  return columns;
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
