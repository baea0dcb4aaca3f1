// Opens the local DuckDB staging database ($RIVERLINE_HOME/staging.duckdb) with bounded threads and memory.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { UserError, messageOf } from '../errors.js';

export { reportTiming, timingsOn } from '../progress/timings.js';
import { reportTiming, timingsOn } from '../progress/timings.js';

export interface Staging {
  connection: DuckDBConnection;
  run(sql: string, params?: Record<string, DuckDBValue>): Promise<void>;
  rows<T = Record<string, unknown>>(sql: string, params?: Record<string, DuckDBValue>): Promise<T[]>;
  close(): void;
}

/**
 * The memory DuckDB may use before it spills to disk. Measured on the 2.8M-row file: train peaks at 2.2 GB with 1,280
 * MB (2.5 to 2.7 GB with 1,536 MB; out of memory with 1,024 MB), and ingest, process and predict run as fast; the rest
 * of a process's memory is chDB's and Node's.
 */
export const STAGING_MEMORY_MB = 1280;

export interface StagingOptions {
  threads?: number;
  memoryLimit?: string;
}

/**
 * Runs `work` with DuckDB free to write rows in whatever order its threads finish (COPY in parallel), for files whose
 * reader does not care about order: a store keeps rows in its own order and every reader of a work file joins or sorts.
 * Writing predict's 606k rows for the store took 1.6 to 2.8 s this way against 6.0 to 7.3 s in input order. Only around
 * such writes: elsewhere staging relies on insertion order (a CSV's rows keep their line order as rowid).
 */
export async function withUnorderedWrites<T>(staging: Staging, work: () => Promise<T>): Promise<T> {
  await staging.run(UNORDERED_WRITES);
  try {
    return await work();
  } finally {
    await staging.run(ORDERED_WRITES);
  }
}

const UNORDERED_WRITES = 'SET preserve_insertion_order = false';
const ORDERED_WRITES = 'RESET preserve_insertion_order';

export async function openStaging(file: string, options: StagingOptions = {}): Promise<Staging> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, {
      threads: String(options.threads ?? 2),
      memory_limit: options.memoryLimit ?? `${STAGING_MEMORY_MB}MB`,
    });
  } catch (error) {
    if (/lock/i.test(messageOf(error))) {
      throw new UserError('ingest_locked', `The staging database ${file} is in use by another Riverline process; wait for it to finish.`, {
        cause: error,
      });
    }
    throw new UserError('file_unreadable', `Could not open the staging database ${file}: ${messageOf(error)}`, { cause: error });
  }
  const connection = await instance.connect();
  // ICU is built in but loads after creation, so the time zone is set per connection: all timestamps are UTC.
  await connection.run("SET TimeZone = 'UTC'");
  const timed = timingsOn();
  let closed = false;
  return {
    connection,
    async run(sql, params) {
      const started = timed ? performance.now() : 0;
      await connection.run(sql, params);
      if (timed) reportTiming('duckdb', sql, started);
    },
    async rows<T>(sql: string, params?: Record<string, DuckDBValue>) {
      const started = timed ? performance.now() : 0;
      const reader = await connection.runAndReadAll(sql, params);
      if (timed) reportTiming('duckdb', sql, started);
      return reader.getRowObjectsJson() as T[];
    },
    close() {
      // Idempotent: a job may close early to hand its memory back (predict, before the store's insert) and again at the end.
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}
