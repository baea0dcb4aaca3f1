// Builds the store for a configured target.
import type { Config } from '../config/index.js';
import { ClickHouseStore, type ClickHouseStoreOptions } from './clickhouse.js';
import { PostgresStore } from './postgres.js';
import type { Store } from './store.js';

export type { Store, PipelineRun, Watermark, PingResult, LoadContext, InteractionStats, CustomerRecord, ServingData, Review, SqlEngine, EngineParams } from './store.js';
export type { ChatLine, ConversationRow, LatestReview, PredictionRow, ProfileRow } from './store.js';

export interface CreateStoreOptions {
  clickhouse?: ClickHouseStoreOptions;
}

export function createStore(config: Pick<Config, 'target'>, options: CreateStoreOptions = {}): Store {
  if (config.target.kind === 'postgres') return new PostgresStore(config.target);
  return new ClickHouseStore(config.target, options.clickhouse);
}

/** Checks the store answers and applies every migration; throws the adapter's one-sentence error otherwise. */
export async function prepareStore(store: Store): Promise<void> {
  const ping = await store.ping();
  if (!ping.success) throw ping.error;
  await store.migrate();
}
