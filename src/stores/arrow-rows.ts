// serve's snapshot from ClickHouse as Arrow columns: the query answers in ArrowStream (uncompressed, strings as
// strings), apache-arrow reads the stream into a Table, and a row becomes an object only when a request asks for it.
// Measured on the 2.8M-row generated file: the 606,282 open conversations arrive in 0.8 s as Arrow, against 10 to 20 s
// as JSONEachRow parsed into objects, and take far less memory.
import { tableFromIPC, type Table, type Vector } from 'apache-arrow';
import type { Column } from '../model/schema.js';
import { typedRow, type DriverValues, type RowSet } from './rows.js';

/** Appended to a SELECT: ArrowStream that apache-arrow reads without a codec. */
export const ARROW_STREAM_OUTPUT = `SETTINGS output_format_arrow_compression_method = 'none', output_format_arrow_string_as_string = 1 FORMAT ArrowStream`;

/** Reads an ArrowStream answer into a table (record batch by record batch, never one big buffer). */
export async function readArrowStream(stream: AsyncIterable<Uint8Array>): Promise<Table> {
  return tableFromIPC(stream);
}

/** The rows of `table`, typed by `columns` on access (JSON columns arrive as text). */
export function arrowRowSet<T>(table: Table, columns: readonly Column[], driver: DriverValues): RowSet<T> {
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
  return {
    length: rows,
    customerIds() {
      const ids: string[] = new Array(rows);
      table.batches.forEach((batch, b) => textColumn(vectors[b][customer], batch.numRows, ids, starts[b]));
      return ids;
    },
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

/** A one-chunk text column's offsets and bytes when it has no null and every byte is ASCII; else null. */
function asciiBytes(vector: Vector | null, count: number): { offsets: Int32Array; values: Uint8Array } | null {
  const data = vector?.data.length === 1 ? vector.data[0] : undefined;
  const offsets: unknown = data?.valueOffsets;
  const values: unknown = data?.values;
  if (!data || data.nullCount !== 0 || !(offsets instanceof Int32Array) || !(values instanceof Uint8Array)) return null;
  for (let i = offsets[0]; i < offsets[count]; i += 1) if (values[i] >= 0x80) return null;
  return { offsets, values };
}
