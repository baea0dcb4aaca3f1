// serve's snapshot from ClickHouse as Arrow columns: the query answers in ArrowStream (uncompressed, strings as
// strings), apache-arrow reads the stream into a Table, and a row becomes an object only when a request asks for it.
// Measured on the 2.8M-row generated file: the 606,282 open conversations arrive in 0.8 s as Arrow, against 10 to 20 s
// as JSONEachRow parsed into objects, and take far less memory.
import { tableFromIPC, type Table, type Vector } from 'apache-arrow';
import type { Column } from '../model/schema.js';
import { customerIndex, typedRow, type DriverValues, type RowSet } from './rows.js';

/** Appended to a SELECT: ArrowStream that apache-arrow reads without a codec. */
export const ARROW_STREAM_OUTPUT = `SETTINGS output_format_arrow_compression_method = 'none', output_format_arrow_string_as_string = 1 FORMAT ArrowStream`;

/** Reads an ArrowStream answer into a table (record batch by record batch, never one big buffer). */
export async function readArrowStream(stream: AsyncIterable<Uint8Array>): Promise<Table> {
  return tableFromIPC(stream);
}

/** The rows of `table`, typed by `columns` on access (JSON columns arrive as text). */
export function arrowRowSet<T>(table: Table, columns: readonly Column[], driver: DriverValues): RowSet<T> & { readonly searchedInPlace: boolean } {
  // Each record batch's vectors, resolved once per column, and where each batch starts: a row is then a binary search
  // over the batches and one get() per column, without apache-arrow's row proxies.
  const starts: number[] = [];
  let rows = 0;
  const vectors = table.batches.map((batch) => {
    starts.push(rows);
    rows += batch.numRows;
    return columns.map((column) => batch.getChild(column.name));
  });
  const customer = columns.findIndex((column) => column.name === 'customer_id');
  if (customer < 0) throw new Error('the serving rows have no customer_id column');
  const locate = (index: number): [number, number] => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= index) low = middle;
      else high = middle - 1;
    }
    return [low, index - starts[low]];
  };
  // A row built once is kept: a customer asked about again costs a lookup, as when every row was built at start.
  const built: Array<T | undefined> = new Array(rows);
  const keys = table.batches.map((batch, b) => utf8Column(vectors[b][customer], batch.numRows));
  const sorted = keys.every((key): key is Utf8Bytes => key !== null) ? sortedCustomers(keys, starts, rows) : null;
  const { customers, rowsOf } = sorted ?? customerIndex(customerIds(table, vectors.map((columnsOf) => columnsOf[customer]), starts, rows));
  return {
    length: rows,
    customers,
    rowsOf,
    /** Sorted rows are searched in their Arrow bytes; any others were indexed by a Map of their decoded ids. */
    searchedInPlace: sorted !== null,
    row(index) {
      const kept = built[index];
      if (kept !== undefined) return kept;
      const [batch, at] = locate(index);
      const raw: Record<string, unknown> = {};
      columns.forEach((column, c) => (raw[column.name] = vectors[batch][c]?.get(at) ?? null));
      return (built[index] = typedRow<T>(columns, raw, driver));
    },
  };
}

/** A text column's bytes: one chunk, no null, 32-bit offsets (Utf8, as ClickHouse answers String); else null. */
interface Utf8Bytes {
  offsets: Int32Array;
  values: Uint8Array;
}

function utf8Column(vector: Vector | null, count: number): Utf8Bytes | null {
  if (count === 0) return { offsets: new Int32Array(1), values: new Uint8Array(0) };
  const data = vector?.data.length === 1 ? vector.data[0] : undefined;
  const offsets: unknown = data?.valueOffsets;
  const values: unknown = data?.values;
  if (!data || data.nullCount !== 0 || !(offsets instanceof Int32Array) || !(values instanceof Uint8Array) || offsets.length <= count) return null;
  return { offsets, values };
}

/** Compares value `i` of a column with `key` (bytes `from` to `to` of `bytes`), byte by byte, as ClickHouse orders String. */
function compareBytes(column: Utf8Bytes, i: number, bytes: Uint8Array, from: number, to: number): number {
  const { offsets, values } = column;
  const start = offsets[i];
  const length = offsets[i + 1] - start;
  const keyLength = to - from;
  const common = Math.min(length, keyLength);
  for (let k = 0; k < common; k += 1) {
    const difference = values[start + k] - bytes[from + k];
    if (difference !== 0) return difference;
  }
  return length - keyLength;
}

/**
 * The customers of rows sorted by customer id (in byte order, as serve's queries ask for them), found by binary search
 * over the Arrow bytes: nothing is decoded or indexed at start. On the 2.8M-row file the Map of 691k customers that
 * serve built instead took 0.65 s of its start-up, and its garbage more. Rows out of order answer null (the caller then
 * builds a Map).
 */
function sortedCustomers(keys: Utf8Bytes[], starts: number[], rows: number): Pick<RowSet<unknown>, 'customers' | 'rowsOf'> | null {
  // Batches that hold no row are left out; each kept batch's first row and row count.
  const batches = keys.map((column, batch) => ({ column, start: starts[batch], count: (starts[batch + 1] ?? rows) - starts[batch] })).filter((batch) => batch.count > 0);
  // One pass over the ids, each compared with the one before: the rows must not step down, and each step up is a customer.
  let customers = 0;
  let previous: Utf8Bytes | null = null;
  let previousAt = 0;
  for (const { column, count } of batches) {
    for (let at = 0; at < count; at += 1) {
      const order = previous === null ? -1 : compareBytes(previous, previousAt, column.values, column.offsets[at], column.offsets[at + 1]);
      if (order > 0) return null;
      if (order < 0) customers += 1;
      previous = column;
      previousAt = at;
    }
  }
  return {
    customers,
    rowsOf(customerId) {
      const key = Buffer.from(customerId, 'utf8');
      // The first batch whose last row is not below the key, then the first such row in it: no row of an earlier
      // batch can be the customer's, and the customer's rows run on from there (into the next batches, if need be).
      let low = 0;
      let high = batches.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        const { column, count } = batches[middle];
        if (compareBytes(column, count - 1, key, 0, key.length) < 0) low = middle + 1;
        else high = middle;
      }
      const found: number[] = [];
      for (let batch = low; batch < batches.length; batch += 1) {
        const { column, start, count } = batches[batch];
        let at = 0;
        if (batch === low) {
          let end = count;
          while (at < end) {
            const middle = (at + end) >> 1;
            if (compareBytes(column, middle, key, 0, key.length) < 0) at = middle + 1;
            else end = middle;
          }
        }
        for (; at < count && compareBytes(column, at, key, 0, key.length) === 0; at += 1) found.push(start + at);
        if (at < count) break;
      }
      return found;
    },
  };
}

/** Every row's customer id, in row order. */
function customerIds(table: Table, vectors: Array<Vector | null>, starts: number[], rows: number): string[] {
  const ids: string[] = new Array(rows);
  table.batches.forEach((batch, b) => textColumn(vectors[b], batch.numRows, ids, starts[b]));
  return ids;
}

/**
 * A text column's values into `out` from `at`. An all-ASCII column (twcs's customer ids) is decoded in one call and cut
 * into its values: for the 2.8M-row file's 1.3 million serving rows, 83 ms of serve's start-up against about 380 ms
 * through apache-arrow's get(), which decodes each value with a TextDecoder after a search for its batch. Any other
 * column (a byte >= 0x80, a null) is read value by value.
 */
function textColumn(vector: Vector | null, count: number, out: string[], at: number): void {
  const ascii = asciiBytes(vector, count);
  if (!ascii) {
    for (let i = 0; i < count; i += 1) out[at + i] = String(vector?.get(i));
    return;
  }
  const { offsets, values } = ascii;
  const first = offsets[0];
  const text = Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('latin1', first, offsets[count]);
  for (let i = 0; i < count; i += 1) out[at + i] = text.slice(offsets[i] - first, offsets[i + 1] - first);
}

/** A text column's bytes (utf8Column) when every byte is ASCII; else null. */
function asciiBytes(vector: Vector | null, count: number): Utf8Bytes | null {
  const column = utf8Column(vector, count);
  if (!column) return null;
  const { offsets, values } = column;
  for (let i = offsets[0]; i < offsets[count]; i += 1) if (values[i] >= 0x80) return null;
  return column;
}
