// Builds the store for a configured target.
import pg from 'pg';
import type { Config } from '../config/index.js';
import { ClickHouseStore, type ClickHouseConnection, type ClickHouseStoreOptions } from './clickhouse.js';
import { PostgresStore } from './postgres.js';
import type { PostgresConnection } from './postgres-connections.js';
import type { Store } from './store.js';

export type { Store, PipelineRun, Watermark, PingResult, LoadContext, InteractionStats, CustomerRecord, ServingData, Review, SqlEngine, EngineParams } from './store.js';
export type { ChatLine, ConversationRow, LatestReview, ModelRow, ModelToSave, PredictionRow, ProfileRow, RowSet } from './store.js';
export type { ClickHouseConnection, PostgresConnection };

export interface CreateStoreOptions {
  clickhouse?: ClickHouseStoreOptions;
  /**
   * A ready connection for the store to use instead of opening its own, as clickhouse-js's createClient takes one: a
   * pg.Pool or connected pg.Client for PostgreSQL; a @clickhouse/client client or a connection (chDB's) for ClickHouse.
   * The store never closes what it was handed.
   */
  connection?: PostgresConnection | ClickHouseConnection;
}

const isPostgresConnection = (connection: PostgresConnection | ClickHouseConnection): connection is PostgresConnection =>
  connection instanceof pg.Pool || connection instanceof pg.Client;

export function createStore(config: Pick<Config, 'target'>, options: CreateStoreOptions = {}): Store {
  const { connection } = options;
  if (config.target.kind === 'postgres') {
    if (connection !== undefined && !isPostgresConnection(connection)) throw new Error('A PostgreSQL store takes a pg.Pool or a pg.Client as its connection.');
    return new PostgresStore(config.target, { connection });
  }
  if (connection !== undefined && isPostgresConnection(connection)) throw new Error('A ClickHouse store takes a @clickhouse/client client or connection, not a pg one.');
  return new ClickHouseStore(config.target, { ...options.clickhouse, connection });
}

/** Checks the store answers and applies every migration; throws the adapter's one-sentence error otherwise. */
export async function prepareStore(store: Store): Promise<void> {
  const ping = await store.ping();
  if (!ping.success) throw ping.error;
  await store.migrate();
}
