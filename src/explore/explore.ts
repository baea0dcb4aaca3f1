// explore: SQL over a local DuckDB copy of what the target holds (conversations, customer_profiles,
// nba_predictions, and `features`, conversations joined with profiles), plus the last ingest's staged rows.
// The copy is taken when explore opens, so queries never touch the target. Queries are then read-only: no files,
// no network, no extensions (DuckDB's external access is off and the setting locked) unless allowFiles is set.
import fs from 'node:fs';
import path from 'node:path';
import { forTerminal, jsonForTerminal } from '../cli/terminal-text.js';
import type { Config } from '../config/index.js';
import { UserError, messageOf } from '../errors.js';
import { csvRecord } from '../files/csv-field.js';
import { openStaging, type Staging } from '../staging/duckdb.js';
import { exportFromStore } from '../staging/store-files.js';
import { createStore, prepareStore } from '../stores/index.js';
import { numbersAsNumbers } from './json-numbers.js';
import { EXPLORE_VIEWS } from './views.js';

export interface Explorer {
  query(sql: string): Promise<{ columns: string[]; rows: Array<Record<string, unknown>> }>;
  /** Table and view names with their columns, for tab completion. */
  names(): Promise<string[]>;
  close(): void;
}

export interface ExplorerOptions {
  /** Let queries read and write files, reach the network and load extensions (explore --allow-files). */
  allowFiles?: boolean;
  platform?: string;
}

// Run once the local copy is built: from here on DuckDB touches no file, URL or extension, and the user's SQL
// cannot undo it (lock_configuration refuses every later SET).
const READ_ONLY_SETTINGS = [
  'SET enable_external_access = false',
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false',
  'SET lock_configuration = true',
];

export async function openExplorer(config: Config, options: ExplorerOptions = {}): Promise<Explorer> {
  const platform = options.platform ?? 'twitter';
  const dir = path.join(config.home, 'explore');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const store = createStore(config);
  try {
    await prepareStore(store);
    const files = [];
    for (const view of EXPLORE_VIEWS) {
      files.push({ name: view.name, ...(await exportFromStore(store, view.query, { platform }, { dir, name: view.name })) });
    }
    // A separate in-memory database: the staging file may be busy with an ingest.
    const staging = await openStaging(':memory:');
    for (const view of files) {
      await staging.run(`CREATE TABLE ${view.name} AS SELECT * FROM ${view.reader}`, { file: view.file });
    }
    await staging.run(`CREATE VIEW features AS SELECT c.*, p.active_hours, p.peak_hours, p.channels_accepted, p.resolution_rate AS customer_resolution_rate
      FROM conversations c LEFT JOIN customer_profiles p USING (customer_id)`);
    if (!options.allowFiles) for (const setting of READ_ONLY_SETTINGS) await staging.run(setting);
    return explorer(staging);
  } finally {
    await store.close().catch(() => {});
  }
}

// DuckDB's words for what the read-only settings stop: file system access, extension loading, a locked setting.
const REFUSED = /disabled by configuration|disabled through configuration|configuration has been locked/i;

function explorer(staging: Staging): Explorer {
  return {
    async query(sql) {
      try {
        const reader = await staging.connection.runAndReadAll(sql);
        const columns = reader.columnNames();
        const types = reader.columnTypes();
        const rows = reader.getRowObjectsJson().map((row) => Object.fromEntries(columns.map((column, i) => [column, numbersAsNumbers(row[column], types[i])])));
        return { columns, rows };
      } catch (error) {
        const reason = messageOf(error).split('\n')[0];
        if (REFUSED.test(reason)) {
          const what = reason.replace(/^[A-Za-z ]+Error: /, '').replace(/ - (file system operations are disabled by configuration|the configuration has been locked)$/, '');
          throw new UserError('query_refused', `The query was refused: explore is read-only, so a query cannot read or write files, use the network, load extensions or change settings (${what}).`, {
            actions: ['Run explore again with --allow-files to let queries read and write files and load extensions.'],
          });
        }
        throw new UserError('query_failed', `The query failed: ${reason}`);
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

/** Renders rows as an aligned text table (control characters shown as placeholders), as csv (exact), or as json. */
export function formatRows(result: { columns: string[]; rows: Array<Record<string, unknown>> }, format: 'table' | 'csv' | 'json'): string {
  if (format === 'json') return jsonForTerminal(result.rows, 2);
  const text = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  if (format === 'csv') return [csvRecord(result.columns), ...result.rows.map((row) => csvRecord(result.columns.map((column) => text(row[column]))))].join('\n');
  const shown = (value: string) => forTerminal(value, { singleLine: true });
  const cells = result.rows.map((row) => result.columns.map((column) => shown(text(row[column]).replace(/\s+/g, ' ')).slice(0, 60)));
  const columns = result.columns.map(shown);
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line), `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`].join('\n');
}
