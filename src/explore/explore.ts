// explore: SQL over a local DuckDB copy of what the target holds (conversations, customer_profiles,
// nba_predictions, and `features`, conversations joined with profiles), plus the last ingest's staged rows.
// The copy is taken when explore opens, so queries never touch the target.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { UserError, messageOf } from '../errors.js';
import { openStaging, type Staging } from '../staging/duckdb.js';
import { createStore, prepareStore } from '../stores/index.js';
import type { ExportKind } from '../stores/store.js';

export const EXPLORE_VIEWS: Array<{ name: string; kind: ExportKind }> = [
  { name: 'conversations', kind: 'explore_conversations' },
  { name: 'customer_profiles', kind: 'explore_profiles' },
  { name: 'nba_predictions', kind: 'explore_predictions' },
];

export interface Explorer {
  query(sql: string): Promise<{ columns: string[]; rows: Array<Record<string, unknown>> }>;
  /** Table and view names with their columns, for tab completion. */
  names(): Promise<string[]>;
  close(): void;
}

export async function openExplorer(config: Config, platform = 'twitter'): Promise<Explorer> {
  const dir = path.join(config.home, 'explore');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const store = createStore(config);
  try {
    await prepareStore(store);
    const files = [];
    for (const view of EXPLORE_VIEWS) {
      const file = path.join(dir, `${view.name}.${store.exportFormat}`);
      await store.exportRows(view.kind, file, platform);
      files.push({ ...view, file, format: store.exportFormat });
    }
    // A separate in-memory database: the staging file may be busy with an ingest.
    const staging = await openStaging(':memory:');
    for (const view of files) {
      const reader = view.format === 'parquet' ? 'read_parquet($file)' : 'read_csv($file, header = true, sample_size = -1)';
      await staging.run(`CREATE TABLE ${view.name} AS SELECT * FROM ${reader}`, { file: view.file });
    }
    await staging.run(`CREATE VIEW features AS SELECT c.*, p.active_hours, p.peak_hours, p.channels_accepted, p.resolution_rate AS customer_resolution_rate
      FROM conversations c LEFT JOIN customer_profiles p USING (customer_id)`);
    return explorer(staging);
  } finally {
    await store.close().catch(() => {});
  }
}

function explorer(staging: Staging): Explorer {
  return {
    async query(sql) {
      try {
        const reader = await staging.connection.runAndReadAll(sql);
        return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Array<Record<string, unknown>> };
      } catch (error) {
        throw new UserError('bad_flag', `The query failed: ${messageOf(error).split('\n')[0]}`);
      }
    },
    async names() {
      const rows = await staging.rows<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'`,
      );
      return [...new Set(rows.flatMap((row) => [row.table_name, row.column_name]))].sort();
    },
    close() {
      staging.close();
    },
  };
}

/** Renders rows as an aligned text table, as csv, or as json. */
export function formatRows(result: { columns: string[]; rows: Array<Record<string, unknown>> }, format: 'table' | 'csv' | 'json'): string {
  if (format === 'json') return JSON.stringify(result.rows, null, 2);
  const text = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  if (format === 'csv') {
    const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    return [result.columns.map(quote).join(','), ...result.rows.map((row) => result.columns.map((column) => quote(text(row[column]))).join(','))].join('\n');
  }
  const cells = result.rows.map((row) => result.columns.map((column) => text(row[column]).replace(/\s+/g, ' ').slice(0, 60)));
  const widths = result.columns.map((column, i) => Math.max(column.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i])).join('  ').trimEnd();
  return [line(result.columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line), `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`].join('\n');
}
