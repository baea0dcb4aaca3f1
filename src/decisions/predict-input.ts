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
