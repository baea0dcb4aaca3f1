// What predict reads from the target, as queries the store runs in its dialect (bound value: platform).
import type { NamedQuery } from '../model/named-query.js';
import * as clickhouse from './predict-input.clickhouse.sql.js';
import * as postgres from './predict-input.postgres.sql.js';

export const PREDICT_CONVERSATIONS: NamedQuery = {
  name: 'predict conversations',
  clickhouse: clickhouse.OPEN_CONVERSATIONS,
  postgres: postgres.OPEN_CONVERSATIONS,
};

export const PREDICT_MESSAGES: NamedQuery = {
  name: 'predict messages',
  clickhouse: clickhouse.OPEN_CONVERSATION_MESSAGES,
  postgres: postgres.OPEN_CONVERSATION_MESSAGES,
};

/**
 * DuckDB: the open conversation's recent words as VARCHAR[] whichever store exported them (a Parquet list from
 * ClickHouse, JSON text in PostgreSQL's CSV; the words are [a-z0-9'] tokens, so the cast reads either).
 */
export const RECENT_WORDS_AS_LIST = `CAST(recent_words AS VARCHAR[])`;
