// The embedded engine's pass over a text export (PostgreSQL's CSV of PROCESS_INPUT): the same word columns a ClickHouse
// store's export ships (input.clickhouse.sql.ts), written as Parquet for DuckDB. Bound: {source:String} (the CSV),
// {out:String} (the Parquet file), {terms:Array(String)} (the lexicon's terms).
import { LEXICON_WORDS, TOKENS, customerWords } from './input.clickhouse.sql.js';

/**
 * Every column but the text passes through as the CSV's text, so DuckDB reads them as it reads the CSV itself (ts and
 * inbound are cast there); an empty unquoted field is NULL (PostgreSQL's COPY writes NULL so, and "" for an empty text).
 */
const STRUCTURE = 'external_id String, author String, inbound String, ts String, parent_id Nullable(String), text String, first_mention Nullable(String)';

export const TOKENIZE_TEXT_EXPORT = `
INSERT INTO FUNCTION file({out:String}, Parquet)
SELECT external_id, author, inbound, ts, parent_id, ${LEXICON_WORDS} AS words, first_mention, ${customerWords(`inbound = 't'`)} AS customer_words
FROM (SELECT *, ${TOKENS('text')} AS tokens FROM file({source:String}, CSVWithNames, '${STRUCTURE}'))`;
