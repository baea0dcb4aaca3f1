// The work files between DuckDB and a store: the rows of a stage's query, exported by the store and read back here,
// and a table DuckDB writes for the store to load. Only this module asks which file format a store speaks.
import path from 'node:path';
import { copyToFile, readFile, timestampForFile } from '../files/formats.js';
import type { NamedQuery, QueryParams } from '../model/named-query.js';
import type { OutputTable } from '../model/schema.js';
import type { Store } from '../stores/index.js';
import { withUnorderedWrites, type Staging } from './duckdb.js';

export interface ExportedRows {
  file: string;
  /** The DuckDB table function that reads the file, bound as $file. */
  reader: string;
}

/** Whether the store exports CSV (PostgreSQL), whose columns carry no types; ClickHouse exports typed Parquet. */
export const exportsCsv = (store: Store): boolean => store.exportFormat === 'csv';

/**
 * Has the store run `query` into `<dir>/<name>.<format>`. `columns` fixes the column types where the file carries
 * none (a CSV export); a typed file keeps its own.
 */
export async function exportFromStore(
  store: Store,
  query: NamedQuery,
  params: QueryParams,
  place: { dir: string; name: string; columns?: Record<string, string> },
): Promise<ExportedRows> {
  const file = path.join(place.dir, `${place.name}.${store.exportFormat}`);
  await store.exportRows(query, file, params);
  return { file, reader: readFile(store.exportFormat, { columns: place.columns }) };
}

/**
 * Writes the rows of `from` (shaped like `table`) to `<dir>/<table>.<format>` for the store to load, and returns the
 * file. Timestamp columns may hold ISO text; they travel as the store's time type. A work file read once, next to this
 * process: compressing it costs more than it saves.
 */
/**
 * Rows per Parquet row group of a file handed to the store. Output rows are wide (predict's chat logs and receipts): at
 * DuckDB's default of 122,880 rows, writing predict's 606k rows for the store took the process from 1.7 GB to 2.5 GB.
 */
export const STORE_FILE_ROW_GROUP = 16_384;

export async function writeForStore(staging: Staging, store: Store, table: OutputTable, from: string, dir: string): Promise<string> {
  const format = store.batchFormat;
  const file = path.join(dir, `${table.name}.${format}`);
  const columns = table.columns
    .map((column) => (column.type === 'timestamp' ? `${timestampForFile(`CAST(${column.name} AS TIMESTAMPTZ)`, format)} AS ${column.name}` : column.name))
    .join(', ');
  await withUnorderedWrites(staging, () =>
    staging.run(copyToFile(`SELECT ${columns} FROM ${from}`, format, { uncompressed: true, rowGroupRows: STORE_FILE_ROW_GROUP }), { file }),
  );
  return file;
}
