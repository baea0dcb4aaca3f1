// Opens the local DuckDB staging database ($RIVERLINE_HOME/staging.duckdb) with bounded threads and memory.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { UserError, messageOf } from '../errors.js';

export interface Staging {
  connection: DuckDBConnection;
  run(sql: string, params?: Record<string, DuckDBValue>): Promise<void>;
  rows<T = Record<string, unknown>>(sql: string, params?: Record<string, DuckDBValue>): Promise<T[]>;
  close(): void;
}

export interface StagingOptions {
  threads?: number;
  memoryLimit?: string;
}

export async function openStaging(file: string, options: StagingOptions = {}): Promise<Staging> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, {
      threads: String(options.threads ?? 2),
      memory_limit: options.memoryLimit ?? '1536MB',
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
  return {
    connection,
    async run(sql, params) {
      await connection.run(sql, params);
    },
    async rows<T>(sql: string, params?: Record<string, DuckDBValue>) {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as T[];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
