// Arrow IPC from rows: record batches built column by column, written as a file (.arrow, which pandas, polars and DuckDB
// open directly) or as a stream (an HTTP answer, ClickHouse's ArrowStream input). Only one batch is held at a time.
import fs from 'node:fs';
import { once } from 'node:events';
import {
  AsyncByteQueue,
  Bool,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { DuckDBTypeId, JSDuckDBValueConverter } from '@duckdb/node-api';
import { parseTimestamp } from './timestamps.js';

/**
 * How a column travels. Times are Timestamp(ms, "UTC"): pandas reads datetime64[ms, UTC], polars Datetime(ms, UTC),
 * DuckDB TIMESTAMP WITH TIME ZONE and ClickHouse DateTime64(3), where ISO text would stay text in all four.
 */
export type ArrowColumnType = 'text' | 'float' | 'integer' | 'bigint' | 'boolean' | 'timestamp' | 'text_list';

export interface ArrowColumn {
  name: string;
  type: ArrowColumnType;
}

/** Rows in column order; a chunk is any number of them. */
export type ArrowRow = readonly unknown[];

/** Rows per record batch: large enough that the per-batch overhead vanishes, small enough to bound memory. */
export const DEFAULT_BATCH_ROWS = 32_768;

/** The schema; `metadata` travels with it (pyarrow shows it as schema.metadata). */
export function arrowSchema(columns: readonly ArrowColumn[], metadata: Record<string, string> = {}): Schema {
  return new Schema(
    columns.map((column) => new Field(column.name, arrowType(column.type), true)),
    new Map(Object.entries(metadata)),
  );
}

function arrowType(type: ArrowColumnType): DataType {
  switch (type) {
    case 'text':
      return new Utf8();
    case 'float':
      return new Float64();
    case 'integer':
      return new Int32();
    case 'bigint':
      return new Int64();
    case 'boolean':
      return new Bool();
    case 'timestamp':
      return new TimestampMillisecond('UTC');
    case 'text_list':
      return new List(new Field('item', new Utf8(), true));
  }
}

/** Values column by column, each `length` long: what a batch is built from (DuckDB hands its chunks over this way). */
export interface ColumnChunk {
  length: number;
  values: unknown[][];
}

/** One record batch from rows (positional, in the order of `columns`). */
export function recordBatch(columns: readonly ArrowColumn[], rows: readonly ArrowRow[], schema = arrowSchema(columns)): RecordBatch {
  return columnBatch(columns, columnsOfRows(columns.length, rows), schema);
}

function columnBatch(columns: readonly ArrowColumn[], chunk: ColumnChunk, schema: Schema): RecordBatch {
  const children = columns.map((column, index) => columnData(column.type, chunk.values[index]));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: chunk.length, nullCount: 0, children }));
}

function columnsOfRows(width: number, rows: readonly ArrowRow[]): ColumnChunk {
  const values = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  rows.forEach((row, rowIndex) => {
    for (let index = 0; index < width; index++) values[index][rowIndex] = row[index];
  });
  return { length: rows.length, values };
}

/** Rows given as objects, in the order of `columns` (a missing key is null). */
export function rowsOfObjects(columns: readonly ArrowColumn[], objects: readonly object[]): ArrowRow[] {
  return objects.map((object) => columns.map((column) => (object as Record<string, unknown>)[column.name]));
}

function columnData(type: ArrowColumnType, values: readonly unknown[]): Data {
  switch (type) {
    case 'text':
      return textData(values.map(textOf));
    case 'text_list':
      return listData(values);
    case 'float':
      return fixedData(new Float64(), values, Float64Array, (value) => Number(value));
    case 'integer':
      return fixedData(new Int32(), values, Int32Array, (value) => Number(value));
    case 'bigint':
      return fixedData(new Int64(), values, BigInt64Array, (value) => BigInt(value as bigint | number | string));
    case 'timestamp':
      return timestampData(values);
    case 'boolean':
      return booleanData(values);
  }
}

const isNull = (value: unknown): boolean => value === null || value === undefined;

function textOf(value: unknown): string | null {
  if (isNull(value)) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner));
  return String(value);
}

/** ClickHouse's DateTime64 text, the commonest time a row carries, read without the general parser. */
const CLICKHOUSE_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,3})?$/;

/** A Date, a Unix time in milliseconds, or timestamp text as the engines write it (no zone means UTC). */
function millisecondsOf(value: unknown): number {
  const ms =
    value instanceof Date ? value.getTime()
    : typeof value === 'number' ? value
    : typeof value === 'bigint' ? Number(value)
    : typeof value === 'string' && CLICKHOUSE_TIME.test(value) ? Date.parse(`${value.replace(' ', 'T')}Z`)
    : parseTimestamp(String(value)).getTime();
  if (!Number.isFinite(ms)) throw new Error(`Not a timestamp: ${String(value)}`);
  return Math.trunc(ms);
}

/** The validity bitmap, or undefined when nothing is null (readers then skip it). */
function validity(values: readonly unknown[]): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((value, index) => {
    if (isNull(value)) nulls++;
    else bitmap[index >> 3] |= 1 << (index & 7);
  });
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

function fixedData<T extends DataType, A extends Float64Array | Int32Array | BigInt64Array>(
  type: T,
  values: readonly unknown[],
  ArrayType: { new (length: number): A },
  convert: (value: unknown) => A[number],
): Data<T> {
  const data = new ArrayType(values.length);
  values.forEach((value, index) => {
    if (!isNull(value)) data[index] = convert(value);
  });
  const { bitmap, nulls } = validity(values);
  return makeData({ type, length: values.length, nullCount: nulls, nullBitmap: bitmap, data } as never) as Data<T>;
}

/** Milliseconds as 64-bit integers, written as two 32-bit halves (little-endian) to spare a BigInt per value. */
function timestampData(values: readonly unknown[]): Data<TimestampMillisecond> {
  const data = new BigInt64Array(values.length);
  const halves = new Int32Array(data.buffer);
  values.forEach((value, index) => {
    if (isNull(value)) return;
    const ms = millisecondsOf(value);
    halves[2 * index] = ms % 2 ** 32 | 0;
    halves[2 * index + 1] = Math.floor(ms / 2 ** 32);
  });
  const { bitmap, nulls } = validity(values);
  return makeData({ type: new TimestampMillisecond('UTC'), length: values.length, nullCount: nulls, nullBitmap: bitmap, data });
}

function booleanData(values: readonly unknown[]): Data<Bool> {
  const data = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((value, index) => {
    if (value === true || value === 1 || value === 'true') data[index >> 3] |= 1 << (index & 7);
  });
  const { bitmap, nulls } = validity(values);
  return makeData({ type: new Bool(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data });
}

/**
 * UTF-8 bytes and offsets: the lengths value by value, the bytes in one call over the joined text (a call per value
 * costs more than the copy). Lone surrogates on either side of a join would pair up; then each value is written alone.
 */
function textData(values: readonly (string | null)[]): Data<Utf8> {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value !== null) total += Buffer.byteLength(value, 'utf8');
    offsets[index + 1] = total;
  }
  let bytes = Buffer.from(values.join(''), 'utf8');
  if (bytes.byteLength !== total) {
    bytes = Buffer.allocUnsafe(total);
    values.forEach((value, index) => {
      if (value !== null) bytes.write(value, offsets[index], 'utf8');
    });
  }
  const { bitmap, nulls } = validity(values);
  return makeData({ type: new Utf8(), length: values.length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data: new Uint8Array(bytes.buffer, bytes.byteOffset, total) });
}

function listData(values: readonly unknown[]): Data<List<Utf8>> {
  const lists = values.map((value) => (isNull(value) ? null : Array.isArray(value) ? value : [value]));
  const offsets = new Int32Array(lists.length + 1);
  const items: (string | null)[] = [];
  lists.forEach((list, index) => {
    if (list) for (const item of list) items.push(textOf(item));
    offsets[index + 1] = items.length;
  });
  const { bitmap, nulls } = validity(lists);
  const child = textData(items);
  return makeData({ type: new List(new Field('item', new Utf8(), true)), length: lists.length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, child });
}

type RowChunks = AsyncIterable<readonly ArrowRow[]> | Iterable<readonly ArrowRow[]>;

async function* columnChunksOfRows(width: number, chunks: RowChunks): AsyncGenerator<ColumnChunk> {
  for await (const rows of chunks) yield columnsOfRows(width, rows);
}

/** Regroups column chunks of any size into chunks of `size` rows (the last may be shorter). */
async function* regroup(width: number, chunks: AsyncIterable<ColumnChunk>, size: number): AsyncGenerator<ColumnChunk> {
  let pending: unknown[][] = Array.from({ length: width }, () => []);
  let length = 0;
  for await (const chunk of chunks) {
    chunk.values.forEach((values, index) => {
      for (const value of values) pending[index].push(value);
    });
    length += chunk.length;
    while (length >= size) {
      yield { length: size, values: pending.map((values) => values.slice(0, size)) };
      pending = pending.map((values) => values.slice(size));
      length -= size;
    }
  }
  if (length > 0) yield { length, values: pending };
}

export interface ArrowWriteOptions {
  /** Rows per record batch (default DEFAULT_BATCH_ROWS). */
  batchRows?: number;
  /** Key-value pairs kept in the schema. */
  metadata?: Record<string, string>;
}

/**
 * The rows as Arrow IPC bytes, one record batch at a time: the file format (footer, random access) or the stream
 * format. With no rows it is still a valid file: the schema and no batches.
 */
export function arrowBytes(columns: readonly ArrowColumn[], chunks: RowChunks, kind: 'file' | 'stream', options: ArrowWriteOptions = {}): AsyncGenerator<Uint8Array> {
  return arrowBytesOfColumns(columns, columnChunksOfRows(columns.length, chunks), kind, options);
}

/** arrowBytes from column chunks. */
export async function* arrowBytesOfColumns(
  columns: readonly ArrowColumn[],
  chunks: AsyncIterable<ColumnChunk>,
  kind: 'file' | 'stream',
  options: ArrowWriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const sink = new CollectingSink();
  const writer = kind === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
  const schema = arrowSchema(columns, options.metadata);
  writer.reset(sink, schema);
  for await (const chunk of regroup(columns.length, chunks, options.batchRows ?? DEFAULT_BATCH_ROWS)) {
    writer.write(columnBatch(columns, chunk, schema));
    yield* sink.take();
  }
  writer.finish();
  yield* sink.take();
}

/**
 * The writer's sink, kept instead of apache-arrow's own queue (which keeps every byte until it is read): what one
 * write produced is taken out (the batch's own buffers, not copied), so memory stays one batch.
 */
class CollectingSink extends AsyncByteQueue {
  private parts: Uint8Array[] = [];

  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.parts.push(value);
  }

  take(): Uint8Array[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }
}

/** Writes an Arrow IPC file (.arrow) from chunks of rows; returns the number of rows. */
export function writeArrowFile(file: string, columns: readonly ArrowColumn[], chunks: RowChunks, options: ArrowWriteOptions = {}): Promise<number> {
  return writeArrowFileOfColumns(file, columns, columnChunksOfRows(columns.length, chunks), options);
}

/** writeArrowFile from column chunks. */
export async function writeArrowFileOfColumns(file: string, columns: readonly ArrowColumn[], chunks: AsyncIterable<ColumnChunk>, options: ArrowWriteOptions = {}): Promise<number> {
  let rows = 0;
  const counted = async function* () {
    for await (const chunk of chunks) {
      rows += chunk.length;
      yield chunk;
    }
  };
  const out = fs.createWriteStream(file);
  try {
    for await (const bytes of arrowBytesOfColumns(columns, counted(), 'file', options)) {
      // Waiting at each part would cost a turn per buffer; the queue is let grow to 16 MB, then drained.
      if (!out.write(bytes) && out.writableLength > 16 * 1024 * 1024) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return rows;
}

/** The rows as one Arrow IPC stream (a small answer or one insert's worth). */
export async function arrowStreamBytes(columns: readonly ArrowColumn[], rows: readonly ArrowRow[], options: ArrowWriteOptions = {}): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const bytes of arrowBytes(columns, [rows], 'stream', options)) parts.push(bytes);
  return Buffer.concat(parts);
}

/** The Arrow column type for a DuckDB type: numbers and times keep theirs, anything nested travels as JSON text. */
export function arrowTypeOfDuckDb(type: DuckDBType): ArrowColumnType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return 'integer';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return 'bigint';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'float';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.DATE:
      return 'timestamp';
    case DuckDBTypeId.LIST:
      return type.toString() === 'VARCHAR[]' ? 'text_list' : 'text';
    default:
      return 'text';
  }
}

/** DuckDB types whose values are already what the batch builders take (strings, numbers, booleans, bigints). */
const AS_IS = new Set<DuckDBTypeId>([
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
]);

/**
 * Streams a DuckDB query into an Arrow IPC file, chunk by chunk, column by column (memory stays one batch). Column
 * types follow arrowTypeOfDuckDb; returns the columns written and the number of rows.
 */
export async function writeQueryAsArrow(
  connection: DuckDBConnection,
  select: string,
  file: string,
  params?: Record<string, DuckDBValue>,
): Promise<{ columns: ArrowColumn[]; rows: number }> {
  const result = await connection.stream(select, params);
  const names = result.columnNames();
  const types = result.columnTypes();
  const columns = types.map((type, index) => ({ name: names[index], type: arrowTypeOfDuckDb(type) }));
  const chunks = async function* (): AsyncGenerator<ColumnChunk> {
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const values = types.map((type, index) => (AS_IS.has(type.typeId) ? chunk!.getColumnValues(index) : chunk!.convertColumnValues(index, JSDuckDBValueConverter)));
      yield { length: chunk.rowCount, values };
    }
  };
  const rows = await writeArrowFileOfColumns(file, columns, chunks());
  return { columns, rows };
}
