// The tables explore copies from the target into its local DuckDB, each as a query the store runs in its dialect.
import type { NamedQuery } from '../model/named-query.js';
import * as clickhouse from './views.clickhouse.sql.js';
import * as postgres from './views.postgres.sql.js';

export const EXPLORE_VIEWS: ReadonlyArray<{ name: string; query: NamedQuery }> = [
  { name: 'conversations', query: { name: 'explore conversations', clickhouse: clickhouse.CONVERSATIONS, postgres: postgres.CONVERSATIONS } },
  { name: 'customer_profiles', query: { name: 'explore profiles', clickhouse: clickhouse.CUSTOMER_PROFILES, postgres: postgres.CUSTOMER_PROFILES } },
  { name: 'nba_predictions', query: { name: 'explore predictions', clickhouse: clickhouse.NBA_PREDICTIONS, postgres: postgres.NBA_PREDICTIONS } },
  { name: 'models', query: { name: 'explore models', clickhouse: clickhouse.MODELS, postgres: postgres.MODELS } },
];
