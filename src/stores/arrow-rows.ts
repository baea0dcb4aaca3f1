// serve's snapshot from ClickHouse as Arrow columns: the query answers in ArrowStream (uncompressed, strings as
// strings), apache-arrow reads the stream into a Table, and a row becomes an object only when a request asks for it.
// Measured on the 2.8M-row generated file: the 606,282 open conversations arrive in 0.8 s as Arrow, against 10 to 20 s
// as JSONEachRow parsed into objects, and take far less memory.
import { tableFromIPC, type Table } from 'apache-arrow';
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
    customerId(index) {
      const [batch, at] = locate(index);
      return String(vectors[batch][customer]?.get(at));
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
