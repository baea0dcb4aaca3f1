// A worker thread of batch predict's compose step: it reads its share of the decided rows from the Parquet file the
// predict job wrote (its own in-memory DuckDB), composes each (compose-row.ts) and writes the actions as JSON lines to
// its own file, then reports how many rows each layer decided. compose-pool.ts starts it.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LearnedModel } from './model.js';
import type { Policy } from './policy.js';
import type { RuleSet } from './rules.schema.js';
import { composeContext, composeRow, jsonRecord, type DecisionRow } from './compose-row.js';
import { DECISION_FIELDS, featureReader, rowReader } from './fields.js';
import { readDecidedShare } from './predict.sql.js';

export interface ComposeWorkerSetup {
  rules: RuleSet;
  model: LearnedModel | null;
  policy: Policy;
  asOfMs: number;
  /** The decided rows (selectForTemplates) as Parquet. */
  input: string;
  /** This worker's file of actions (newline-delimited JSON). */
  output: string;
  part: number;
  parts: number;
}

/**
 * Records encoded straight into one reused buffer and written with a synchronous write when it fills (this thread does
 * nothing else meanwhile). Concatenating each chunk's records into one string, then handing it to a stream, made V8
 * flatten and copy every chunk into new memory: a tenth of the worker's time went to that copy and to page faults.
 */
class RecordFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  private used = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
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

const setup = workerData as ComposeWorkerSetup;
const context = composeContext(setup.rules, setup.model, setup.policy, new Date(setup.asOfMs));
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
const layers: Record<string, number> = {};
let rows = 0;
try {
  const numbers = ['customer_rank', ...Object.entries(DECISION_FIELDS).filter(([, type]) => type === 'number').map(([field]) => field)];
  const result = await connection.stream(readDecidedShare(numbers), {
    file: setup.input,
    parts: BigInt(setup.parts),
    part: BigInt(setup.part),
  });
  const out = new RecordFile(setup.output);
  const names = result.columnNames();
  context.features = featureReader(names);
  const readRow = rowReader(names);
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const row of decidedRows(readRow, names, chunk.getColumns() as unknown[][], chunk.rowCount)) {
        const composed = composeRow(row, context);
        out.add(jsonRecord(composed.columns));
        layers[composed.layer] = (layers[composed.layer] ?? 0) + 1;
        rows += 1;
      }
    }
  } finally {
    out.close();
  }
} finally {
  connection.closeSync();
  instance.closeSync();
}
parentPort?.postMessage({ layers, rows });

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
