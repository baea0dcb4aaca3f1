// Reads back what an embedded ClickHouse store holds (the store itself must be closed first).
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

export async function queryEmbedded<T = Record<string, unknown>>(dataPath: string, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const client = createClient({ connection: createChdbConnection({ path: dataPath }) } as Parameters<typeof createClient>[0]);
  try {
    const result = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
    return (await result.json()) as T[];
  } finally {
    await client.close();
  }
}

/** Runs one statement that returns no rows (DDL, SYSTEM ...) on an embedded ClickHouse store's data. */
export async function commandEmbedded(dataPath: string, sql: string): Promise<void> {
  const client = createClient({ connection: createChdbConnection({ path: dataPath }) } as Parameters<typeof createClient>[0]);
  try {
    await client.command({ query: sql });
  } finally {
    await client.close();
  }
}
