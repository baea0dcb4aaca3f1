// The interactions process (and the backtest) read from the target, as a query the store runs in its dialect.
import { lexiconTerms } from '../model/lexicon.js';
import type { NamedQuery, QueryParams } from '../model/named-query.js';
import * as clickhouse from './input.clickhouse.sql.js';
import * as postgres from './input.postgres.sql.js';

export const PROCESS_INPUT: NamedQuery = { name: 'process input', clickhouse: clickhouse.PROCESS_INPUT, postgres: postgres.PROCESS_INPUT };

/** The values PROCESS_INPUT binds: the platform, and the lexicon's terms (the only words that can become features). */
export function processInputParams(platform: string): QueryParams {
  return { platform, terms: lexiconTerms() };
}
