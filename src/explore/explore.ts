// explore: SQL over a local DuckDB copy of what the target holds (every table of the store, and `features`,
// conversations joined with profiles). The copy is taken when explore opens, of the tables asked for (all of them
// for the prompt, those a query names for --query), so queries never touch the target. Queries are then read-only:
// no files, no network, no extensions (DuckDB's external access is off and the setting locked) unless allowFiles is set.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { UserError, messageOf } from '../errors.js';
import { openStaging, type Staging } from '../staging/duckdb.js';
import { exportFromStore } from '../staging/store-files.js';
import { createStore, prepareStore } from '../stores/index.js';
import { DuckDBTypeId } from '@duckdb/node-api';
import { writeQueryAsArrow } from '../files/arrow.js';
import { numbersAsNumbers } from './json-numbers.js';
import type { QueryRows } from './table-text.js';
import { EXPLORE_NAMES, EXPLORE_TABLES, EXPLORE_VIEWS } from './views.js';

export { formatRows, type QueryRows } from './table-text.js';

export interface Explorer {
  query(sql: string): Promise<Required<QueryRows>>;
  /** Runs one SELECT into an Arrow IPC file (numbers, booleans and times keep their types), a batch at a time. */
  queryToArrow(sql: string, file: string): Promise<{ columns: string[]; row_count: number }>;
  /** Table and view names with their columns, for tab completion. */
  names(): Promise<string[]>;
  close(): void;
}

export interface ExplorerOptions {
  /** Let queries read and write files, reach the network and load extensions (explore --allow-files). */
  allowFiles?: boolean;
  platform?: string;
  /** The tables to copy (see tablesFor); default: all of them. */
  tables?: readonly string[];
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
    const wanted = options.tables ?? EXPLORE_TABLES.map((table) => table.name);
    const files = [];
    for (const table of EXPLORE_TABLES.filter((t) => wanted.includes(t.name))) {
      files.push({ name: table.name, ...(await exportFromStore(store, table.query, { platform }, { dir, name: table.name })) });
    }
    // A separate in-memory database: the staging file may be busy with an ingest.
    const staging = await openStaging(':memory:');
    for (const table of files) {
      await staging.run(`CREATE TABLE ${table.name} AS SELECT * FROM ${table.reader}`, { file: table.file });
    }
    for (const view of EXPLORE_VIEWS) if (view.reads.every((name) => wanted.includes(name))) await staging.run(view.sql);
    fs.rmSync(dir, { recursive: true, force: true });
    if (!options.allowFiles) for (const setting of READ_ONLY_SETTINGS) await staging.run(setting);
    return explorer(staging);
  } finally {
    await store.close().catch(() => {});
  }
}

// DuckDB's words for what the read-only settings stop: file system access, extension loading, a locked setting.
const REFUSED = /disabled by configuration|disabled through configuration|configuration has been locked/i;
// DuckDB's words for a name that is not there.
const UNKNOWN_TABLE = /(?:Table|Table Function|View) with name "?([^\s"!]+)"? does not exist/i;

/** DuckDB's error for a query as one sentence: refused by the read-only settings, an unknown table (listing those there are), or the reason. */
function queryError(error: unknown): UserError {
  const reason = messageOf(error).split('\n')[0];
  if (REFUSED.test(reason)) {
    const what = reason.replace(/^[A-Za-z ]+Error: /, '').replace(/ - (file system operations are disabled by configuration|the configuration has been locked)$/, '');
    return new UserError('query_refused', `The query was refused: explore is read-only, so a query cannot read or write files, use the network, load extensions or change settings (${what}).`, {
      actions: ['Run explore again with --allow-files to let queries read and write files and load extensions.'],
    });
  }
  const unknown = UNKNOWN_TABLE.exec(reason);
  if (unknown) {
    return new UserError('query_failed', `The query failed: there is no table ${unknown[1]}. explore has ${EXPLORE_NAMES.join(', ')}.`, {
      actions: ['Run riverline explore --query "DESCRIBE conversations" to see a table\'s columns.'],
      data: { table: unknown[1], tables: [...EXPLORE_NAMES] },
    });
  }
  return new UserError('query_failed', `The query failed: ${reason}`);
}

const NUMERIC_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
]);

function explorer(staging: Staging): Explorer {
  return {
    async query(sql) {
      try {
        const reader = await staging.connection.runAndReadAll(sql);
        const columns = reader.columnNames();
        const types = reader.columnTypes();
        const rows = reader.getRowObjectsJson().map((row) => Object.fromEntries(columns.map((column, i) => [column, numbersAsNumbers(row[column], types[i])])));
        return { columns, rows, numeric: types.map((type) => NUMERIC_TYPES.has(type.typeId)) };
      } catch (error) {
        throw queryError(error);
      }
    },
    async queryToArrow(sql, file) {
      try {
        // DuckDB only hands rows over; this process writes the file, so the read-only settings still hold for the query.
        const written = await writeQueryAsArrow(staging.connection, sql.trim().replace(/;\s*$/, ''), file);
        return { columns: written.columns.map((column) => column.name), row_count: written.rows };
      } catch (error) {
        throw queryError(error);
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
