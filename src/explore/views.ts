// The tables explore copies from the target into its local DuckDB, each as a query the store runs in its dialect:
// every table of the store (models without the model itself), plus `features`, a view over two of them.
// A query copies only the tables it names (tablesFor), so a look at predictions does not copy every interaction.
import type { NamedQuery } from '../model/named-query.js';
import * as clickhouse from './views.clickhouse.sql.js';
import * as postgres from './views.postgres.sql.js';

type Dialects = typeof clickhouse & typeof postgres;

const table = (name: string, key: keyof Dialects) => ({ name, query: { name: `explore ${name}`, clickhouse: clickhouse[key], postgres: postgres[key] } as NamedQuery });

export const EXPLORE_TABLES: ReadonlyArray<{ name: string; query: NamedQuery }> = [
  table('conversations', 'CONVERSATIONS'),
  table('customer_profiles', 'CUSTOMER_PROFILES'),
  table('conversation_messages', 'CONVERSATION_MESSAGES'),
  table('nba_predictions', 'NBA_PREDICTIONS'),
  table('nba_reviews', 'NBA_REVIEWS'),
  table('models', 'MODELS'),
  table('interactions', 'INTERACTIONS'),
  table('rejected_interactions', 'REJECTED_INTERACTIONS'),
  table('pipeline_runs', 'PIPELINE_RUNS'),
  table('ingestion_watermarks', 'INGESTION_WATERMARKS'),
  table('schema_migrations', 'SCHEMA_MIGRATIONS'),
];

/** Views made over the copied tables, with the tables each reads. */
export const EXPLORE_VIEWS: ReadonlyArray<{ name: string; reads: readonly string[]; sql: string }> = [
  {
    name: 'features',
    reads: ['conversations', 'customer_profiles'],
    sql: `CREATE VIEW features AS SELECT c.*, p.active_hours, p.peak_hours, p.channels_accepted, p.resolution_rate AS customer_resolution_rate
      FROM conversations c LEFT JOIN customer_profiles p USING (customer_id)`,
  },
];

/** Every name a query can use, tables then views. */
export const EXPLORE_NAMES: readonly string[] = [...EXPLORE_TABLES.map((t) => t.name), ...EXPLORE_VIEWS.map((v) => v.name)];

/**
 * The tables a query needs: those whose name (or a view's name) appears in it as a word. A name in a string or a
 * comment copies a table for nothing, which costs time only; a table the query reads is never left out.
 */
export function tablesFor(sql: string): string[] {
  const named = (name: string) => new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`, 'i').test(sql);
  const needed = new Set(EXPLORE_TABLES.map((t) => t.name).filter(named));
  for (const view of EXPLORE_VIEWS) if (named(view.name)) for (const name of view.reads) needed.add(name);
  return EXPLORE_TABLES.map((t) => t.name).filter((name) => needed.has(name));
}
