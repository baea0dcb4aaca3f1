// Tokenizing a store's text export in the embedded ClickHouse engine (chDB, in this process), for a store that ships
// text rather than words (PostgreSQL). On the 2.8M-row file DuckDB's regex took 8.0 to 8.3 s (16 s of CPU) to build
// the tweets' tokens and a customer tweet's sorted distinct words; chDB writes the same columns in 2.8 to 4.0 s and
// DuckDB reads them in 0.7 to 0.9 s. The words are the lexicon's terms only, as a ClickHouse store ships them, so the
// later steps match fewer tokens. The export and the tokenizing run at once, through a named pipe (see exportTokenized).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { messageOf } from '../errors.js';
import { lexiconTerms } from '../model/lexicon.js';
import { reportTiming, timingsOn } from '../progress/timings.js';
import { FILE_READ_SETTINGS, PARQUET_WORK_FILE_SETTINGS, RELEASE_MEMORY } from '../stores/clickhouse.sql.js';
import { TOKENIZE_TEXT_EXPORT } from './tokenize.sql.js';

/** chDB runs one data folder per process: while another is open here (a test's store, say), DuckDB tokenizes instead. */
const ENGINE_IN_USE = /only one active data directory per process/;

type Client = ReturnType<typeof createClient>;

/** The engine in a scratch folder of `dir`, or null when this process holds chDB for another folder. */
async function openEngine(folder: string): Promise<Client | null> {
  let client: Client | undefined;
  try {
    client = createClient({ connection: createChdbConnection({ path: folder }) } as Parameters<typeof createClient>[0]);
    await client.command({ query: 'SELECT 1' });
    return client;
  } catch (error) {
    await client?.close().catch(() => {});
    if (ENGINE_IN_USE.test(messageOf(error))) return null;
    throw error;
  }
}

/** Reads `source` (a file, or a pipe: read in order, without pread) and writes `out`. */
async function tokenize(client: Client, source: string, out: string, pipe: boolean): Promise<void> {
  const started = timingsOn() ? performance.now() : 0;
  await client.command({
    query: TOKENIZE_TEXT_EXPORT,
    query_params: { source, out, terms: lexiconTerms() },
    clickhouse_settings: { ...FILE_READ_SETTINGS, ...PARQUET_WORK_FILE_SETTINGS, ...(pipe ? { storage_file_read_method: 'read' } : {}), engine_file_truncate_on_insert: 1 },
  });
  if (started) reportTiming('chdb', pipe ? 'exporting and tokenizing the text' : 'tokenizing the text export', started);
  await client.command({ query: RELEASE_MEMORY }).catch(() => {});
}

async function withEngine(dir: string, work: (client: Client, out: string) => Promise<void>): Promise<string | null> {
  const folder = path.join(dir, 'tokenize-chdb');
  const client = await openEngine(folder);
  if (!client) return null;
  const out = path.join(dir, 'tokens.parquet');
  try {
    await work(client, out);
    return out;
  } finally {
    await client.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Writes `<dir>/tokens.parquet` from the CSV at `source` (PROCESS_INPUT's columns, with text) and returns its path, or
 * null when the embedded engine is in use by this process for another folder.
 */
export function tokenizeTextExport(source: string, dir: string): Promise<string | null> {
  return withEngine(dir, (client, out) => tokenize(client, source, out, false));
}

/**
 * Has `exportTo` write the store's text export into a named pipe while the engine tokenizes what comes out of it:
 * PostgreSQL's COPY runs in one server process, and chDB parses beside it rather than after it (on the 2.8M-row file,
 * export and tokenizing took 7.1 to 8.0 s together against 5.3 + 3.8 s one after the other). Returns the tokens' file,
 * or null when the engine is in use by this process for another folder: then nothing was exported. Where no pipe can
 * be made (no mkfifo), the export goes to a file first.
 */
export function exportTokenized(exportTo: (file: string) => Promise<void>, dir: string): Promise<string | null> {
  return withEngine(dir, async (client, out) => {
    const pipe = path.join(dir, 'interactions.pipe');
    fs.rmSync(pipe, { force: true });
    if (spawnSync('mkfifo', [pipe]).status !== 0) {
      const file = path.join(dir, 'interactions.csv');
      await exportTo(file);
      await tokenize(client, file, out, false);
      return;
    }
    try {
      await throughPipe(pipe, exportTo, (source) => tokenize(client, source, out, true));
    } finally {
      fs.rmSync(pipe, { force: true });
    }
  });
}

const RETRY_MS = 20;
const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;

/** Opens and at once closes the pipe's other end, without blocking: an open that fails (no reader yet) is no harm. */
function touchEnd(pipe: string, flags: number): void {
  try {
    fs.closeSync(fs.openSync(pipe, flags | O_NONBLOCK));
  } catch {
    // ENXIO: nobody reads yet; the next touch tries again.
  }
}

/**
 * Runs a writer and a reader of one named pipe at once and settles when both have. Each side blocks while the other
 * is missing (opening a pipe waits for its other end), so when one side fails, the other is let go: a reader waiting
 * for a writer gets one that closes at once (end of file), a writer gets a reader that closes at once (its writes
 * fail). The first side's error is thrown: the other side's is most likely a consequence of it.
 */
export async function throughPipe(pipe: string, write: (pipe: string) => Promise<void>, read: (pipe: string) => Promise<void>): Promise<void> {
  /** Touches the other side's end of the pipe until that side has settled. */
  const release = async (other: Promise<unknown>, flags: number) => {
    let settled = false;
    void other.finally(() => (settled = true)).catch(() => {});
    while (!settled) {
      touchEnd(pipe, flags);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  const failures: unknown[] = [];
  const writing = write(pipe);
  const reading = read(pipe);
  const failed = (other: Promise<unknown>, flags: number) => async (error: unknown) => {
    failures.push(error);
    await release(other, flags);
  };
  await Promise.all([writing.catch(failed(reading, O_WRONLY)), reading.catch(failed(writing, O_RDONLY))]);
  if (failures.length > 0) throw failures[0];
}
