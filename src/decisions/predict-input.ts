// What predict reads from the target, as queries the store runs in its dialect (bound value: platform).
import type { NamedQuery } from '../model/named-query.js';
import * as clickhouse from './predict-input.clickhouse.sql.js';
import * as postgres from './predict-input.postgres.sql.js';

export const PREDICT_CONVERSATIONS: NamedQuery = {
  name: 'predict conversations',
  clickhouse: clickhouse.OPEN_CONVERSATIONS,
  postgres: postgres.OPEN_CONVERSATIONS,
};

export const PREDICT_CHAT_LOGS: NamedQuery = {
  name: 'predict chat logs',
  clickhouse: clickhouse.OPEN_CONVERSATION_CHAT_LOGS,
  postgres: postgres.OPEN_CONVERSATION_CHAT_LOGS,
};

/** The columns of PREDICT_CHAT_LOGS, typed for an export that carries no types (PostgreSQL's CSV). */
export const CHAT_LOG_COLUMNS = { conversation_id: 'VARCHAR', chat_log: 'VARCHAR' };

/**
 * DuckDB: the open conversation's recent words as VARCHAR[] whichever store exported them (a Parquet list from
 * ClickHouse, JSON text in PostgreSQL's CSV; the words are [a-z0-9'] tokens, so the cast reads either).
 */
export const RECENT_WORDS_AS_LIST = `CAST(recent_words AS VARCHAR[])`;
