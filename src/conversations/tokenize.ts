// Tokenizing a store's text export in the embedded ClickHouse engine (chDB, in this process), for a store that ships
// text rather than words (PostgreSQL). On the 2.8M-row file DuckDB's regex took 8.0 to 8.3 s (16 s of CPU) to build
// the tweets' tokens and a customer tweet's sorted distinct words; chDB writes the same columns in 2.8 to 4.0 s and
// DuckDB reads them in 0.7 to 0.9 s. The words are the lexicon's terms only, as a ClickHouse store ships them, so the
// later steps match fewer tokens.
import '../stores/chdb-allocator.js';
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { messageOf } from '../errors.js';
import { lexiconTerms } from '../model/lexicon.js';
import { reportTiming, timingsOn } from '../progress/timings.js';
import { FILE_READ_SETTINGS, RELEASE_MEMORY } from '../stores/clickhouse.sql.js';
import { TOKENIZE_TEXT_EXPORT } from './tokenize.sql.js';

/** chDB runs one data folder per process: while another is open here (a test's store, say), DuckDB tokenizes instead. */
const ENGINE_IN_USE = /only one active data directory per process/;

/**
 * Writes `<dir>/tokens.parquet` from the CSV at `source` (PROCESS_INPUT's columns, with text) and returns its path, or
 * null when the embedded engine is in use by this process for another folder. The engine's folder is a scratch folder
 * in `dir`, removed after.
 */
export async function tokenizeTextExport(source: string, dir: string): Promise<string | null> {
  const folder = path.join(dir, 'tokenize-chdb');
  const out = path.join(dir, 'tokens.parquet');
  let client: ReturnType<typeof createClient> | undefined;
  try {
    client = createClient({ connection: createChdbConnection({ path: folder }) } as Parameters<typeof createClient>[0]);
    await client.command({ query: 'SELECT 1' });
  } catch (error) {
    await client?.close().catch(() => {});
    if (ENGINE_IN_USE.test(messageOf(error))) return null;
    throw error;
  }
  try {
    const started = timingsOn() ? performance.now() : 0;
    await client.command({
      query: TOKENIZE_TEXT_EXPORT,
      query_params: { source, out, terms: lexiconTerms() },
      clickhouse_settings: { ...FILE_READ_SETTINGS, engine_file_truncate_on_insert: 1 },
    });
    if (started) reportTiming('chdb', 'tokenizing the text export', started);
    await client.command({ query: RELEASE_MEMORY }).catch(() => {});
    return out;
  } finally {
    await client.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
