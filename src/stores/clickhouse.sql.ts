// Named ClickHouse statements. Values are bound as {name:Type}; identifiers come from the closed set below.
import type { ColumnType, OutputTable } from '../model/schema.js';
import { INTERACTION_COLUMNS, REJECT_COLUMNS } from '../model/interactions.js';

const INTERACTION_LIST = INTERACTION_COLUMNS.join(', ');
/**
 * The key check. A platform's first load skips it (the file has no duplicate ids, and nothing is there yet);
 * every later load checks each row against every loaded id, because a newer timestamp does not prove a new id.
 */
const notYetLoaded = (check: boolean) =>
  check ? `external_id NOT IN (SELECT external_id FROM interactions WHERE platform_type = {platform:String})` : '1';

/** Embedded fast path: chDB reads DuckDB's Parquet batch files directly. */
export const insertInteractionsFromParquet = (check: boolean) => `
INSERT INTO interactions (${INTERACTION_LIST})
SELECT ${INTERACTION_COLUMNS.map((c) => (c === 'interaction_id' ? 'toUUID(interaction_id)' : c)).join(', ')}
FROM file({file:String}, Parquet)
WHERE ${notYetLoaded(check)}`;

export const INSERT_REJECTS_FROM_PARQUET = `
INSERT INTO rejected_interactions (${REJECT_COLUMNS.join(', ')})
SELECT ${REJECT_COLUMNS.join(', ')} FROM file({file:String}, Parquet)`;

/** Server path: batches are streamed into a load table of this run, then moved across with the key check. */
export const loadTableName = (runId: string): string => {
  if (!/^[0-9a-f-]{36}$/.test(runId)) throw new Error(`not a run id: ${runId}`);
  return `interactions_load_${runId.replace(/-/g, '')}`;
};
export const createLoadTable = (table: string) => `
CREATE TABLE IF NOT EXISTS ${table} (
  interaction_id String, external_id String, platform_type String, participant_external_id String, content_text String,
  raw_text String, interaction_timestamp DateTime64(3, 'UTC'), parent_external_id Nullable(String), inbound Bool,
  interaction_type String, content_metadata String, platform_metadata String, run_id String
) ENGINE = MergeTree ORDER BY tuple()`;
export const insertIntoLoadTable = (table: string) => `INSERT INTO ${table} FORMAT JSONEachRow`;
export const moveFromLoadTable = (table: string, check: boolean) => `
INSERT INTO interactions (${INTERACTION_LIST})
SELECT ${INTERACTION_COLUMNS.map((c) => (c === 'interaction_id' ? 'toUUID(interaction_id)' : c)).join(', ')} FROM ${table} WHERE ${notYetLoaded(check)}`;
export const INSERT_REJECTS_JSON = `INSERT INTO rejected_interactions (${REJECT_COLUMNS.join(', ')}) FORMAT JSONEachRow`;
export const truncateLoadTable = (table: string) => `TRUNCATE TABLE ${table}`;
export const dropLoadTable = (table: string) => `DROP TABLE IF EXISTS ${table}`;
export const STALE_LOAD_TABLES = `SELECT name FROM system.tables WHERE database = currentDatabase() AND match(name, '^interactions_load_[0-9a-f]{32}$')`;

export const COUNT_LOADED_BY_RUN = `SELECT count() AS n FROM interactions WHERE run_id = {run_id:String}`;
/** The table is ordered by platform first, so this reads one granule. */
export const HAS_INTERACTIONS = `SELECT 1 AS present FROM interactions WHERE platform_type = {platform:String} LIMIT 1`;
export const INTERACTION_STATS = `
SELECT toString(max(interaction_timestamp)) AS newest, count() AS n FROM interactions WHERE platform_type = {platform:String}`;

// --- process: conversations, profiles, messages ---

const CH_TYPES: Record<ColumnType, string> = {
  text: 'String',
  int: 'Int64',
  float: 'Float64',
  bool: 'Bool',
  timestamp: "DateTime64(3, 'UTC')",
  json: 'String',
};

/**
 * The tables process replaces are written once, whole, and replaced whole by the next process: merging their parts is
 * work that nothing keeps. The embedded engine merges in the background of whichever command opens it next, so on the
 * 2.8M-row file predict's first export (which reads the conversations) shared the machine with a merge of the six
 * parts process had written: 1.3 to 1.9 s of CPU. A table with fewer parts than this is never merged; a file large
 * enough to write more still gets its parts merged, a hundred at a time at least. Embedded only: a ClickHouse server
 * merges in its own background, and an older one would refuse the setting.
 */
export const REPLACED_TABLE_SETTINGS = 'SETTINGS min_parts_to_merge_at_once = 100';

export function createOutputTable(table: OutputTable, name: string = table.name, settings = ''): string {
  const columns = table.columns.map((column) => `${column.name} ${column.nullable ? `Nullable(${CH_TYPES[column.type]})` : CH_TYPES[column.type]}`);
  return `CREATE TABLE IF NOT EXISTS ${name} (${columns.join(', ')}) ENGINE = MergeTree ORDER BY (${(table.sortKey ?? table.key).join(', ')})${settings ? ` ${settings}` : ''}`;
}

export const nextTableName = (table: OutputTable) => `${table.name}__next`;
/** SYNC: an Atomic database otherwise keeps a dropped table's files for eight minutes, one copy per process run. */
export const dropTable = (name: string) => `DROP TABLE IF EXISTS ${name} SYNC`;
export const exchangeTables = (a: string, b: string) => `EXCHANGE TABLES ${a} AND ${b}`;
/**
 * How the embedded engine reads a local file: with pread, not the mmap that chDB (ClickHouse's local mode) defaults
 * to. A mapped file's pages count as the process's own resident memory, so reading predict's 1.3 GB file of learned
 * predictions took the process from 1.8 GB to 3.1 GB; read with pread, the file's pages stay in the page cache. Every
 * statement that reads a work file (`file(...)`) passes these settings.
 */
export const FILE_READ_SETTINGS = { storage_file_read_method: 'pread' } as const;
/**
 * A file insert into a table squashes the file's rows into blocks of at most 64 MB, read by one thread: an output table's
 * rows are wide (predict's receipts and chat logs), and the default 256 MB blocks read in parallel took an insert of
 * 606k predictions to 2.9 GB resident (2.1 GB with these, measured in a bare chDB session; no slower end to end).
 */
export const FILE_INSERT_SETTINGS = { ...FILE_READ_SETTINGS, max_threads: 1, max_insert_threads: '1', min_insert_block_size_bytes: String(64 * 1024 * 1024) } as const;
export const insertOutputFromParquet = (table: OutputTable, name: string) => {
  const list = table.columns.map((column) => column.name).join(', ');
  return `INSERT INTO ${name} (${list}) SELECT ${list} FROM file({file:String}, Parquet)`;
};
/**
 * Reading a CSV as DuckDB writes it: ISO 8601 timestamps ("2018-01-04T20:00:00.000Z") need the lenient parser; an
 * unquoted empty field is already a null in a Nullable column, and "" an empty text.
 */
export const CSV_READ_SETTINGS = { date_time_input_format: 'best_effort' } as const;
/**
 * predict's CSV is parsed by two threads (ClickHouse's parallel parsing; still in blocks of at most 64 MB): on the
 * 2.8M-row file the insert took 3.7 s against 4.4 to 4.8 s (rules) and 5.7 s against 8.7 s (learned), at the same peak.
 */
export const CSV_INSERT_SETTINGS = { ...FILE_INSERT_SETTINGS, ...CSV_READ_SETTINGS, max_threads: 2 } as const;
export const insertOutputFromCsv = (table: OutputTable, name: string) => {
  const list = table.columns.map((column) => column.name).join(', ');
  return `INSERT INTO ${name} (${list}) SELECT ${list} FROM file({file:String}, CSVWithNames)`;
};
/** A CSV with a header, streamed to a server (the header names the columns). */
export const insertOutputCsv = (table: OutputTable, name: string) => `INSERT INTO ${name} (${table.columns.map((column) => column.name).join(', ')}) FORMAT CSVWithNames`;
/** Hands the embedded engine's freed memory back to the system (see ClickHouseStore.heavy). */
export const RELEASE_MEMORY = 'SYSTEM JEMALLOC PURGE';
export const insertOutputJson = (name: string) => `INSERT INTO ${name} FORMAT JSONEachRow`;
/** Rows a stage hands over as an Arrow IPC stream (a server; see insertRows in clickhouse.ts); other columns get their defaults. */
export const insertArrowStream = (name: string, columns: readonly string[]) => `INSERT INTO ${name} (${columns.join(', ')}) FORMAT ArrowStream`;
/** The columns an Arrow insert must match, in table order. */
export const describeTable = (name: string) => `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {table:String} ORDER BY position`;
export const countRows = (table: OutputTable) => `SELECT count() AS n FROM ${table.name}`;

/** A stage's query streamed back to the client as Parquet (a ClickHouse server). */
export const exportAsParquet = (select: string) => `${select}\nFORMAT Parquet`;
/**
 * How the embedded engine writes a work file of Parquet for DuckDB, which reads it once, whole: no compression, and none
 * of what a file kept for queries carries (bloom filters, a page index, page checksums), in row groups of 100,000 rows,
 * the unit DuckDB's threads share when they read. With the engine's other defaults (bloom filters, row groups of a
 * million rows) the files took predict's two exports (606k open conversations, their chat logs) 6.0 to 6.3 s against 4.2 to 4.8 s, and DuckDB's
 * reads of them 1.4 s against 0.8 s; process's input export 3.8 to 4.5 s against 3.1 to 3.5 s (alternating runs, the
 * same predictions out). The embedded engine only: a ClickHouse server older than these settings would refuse them.
 */
export const PARQUET_WORK_FILE_SETTINGS = {
  output_format_parquet_compression_method: 'none',
  output_format_parquet_write_bloom_filter: 0,
  output_format_parquet_write_page_index: 0,
  output_format_parquet_write_checksums: 0,
  output_format_parquet_row_group_size: '100000',
} as const;
/** A stage's query the embedded engine writes to a local file itself ({file:String}), without a copy through JavaScript. */
export const exportToFile = (select: string) => `INSERT INTO FUNCTION file({file:String}, Parquet) ${select}`;

/**
 * serve's in-memory data (all profiles and the open conversations), read in parts by ranges of customer_id, so no
 * answer holds them all at once: both tables are ordered by customer_id, so each part reads only its range's granules
 * (a hash of the id read every granule for every part: 2.7 s against 1.7 s on the 2.8M-row file, bounds included).
 * `range` is servingRange's condition. Each part comes sorted by customer id (the tables' own order, so read in order
 * rather than sorted), which lets serve find a customer by binary search instead of indexing every row at start.
 */
export const servingProfiles = (range: string) => `
SELECT * FROM customer_profiles WHERE platform_type = {platform:String}${range}
ORDER BY customer_id`;
export const servingOpenConversations = (range: string) => `
SELECT * FROM conversations
WHERE platform_type = {platform:String} AND resolution_status = 'open'${range}
ORDER BY customer_id, conversation_id`;
/** The part's bounds, {lo:String} inclusive and {hi:String} exclusive; the first part has no lower bound, the last no upper. */
export const servingRange = (lo: boolean, hi: boolean) => `${lo ? ' AND customer_id >= {lo:String}' : ''}${hi ? ' AND customer_id < {hi:String}' : ''}`;
/** The customer id at a rank ({offset:UInt64}) in byte order: the bounds of serve's parts. */
export const SERVING_BOUND = `
SELECT customer_id FROM customer_profiles WHERE platform_type = {platform:String} ORDER BY customer_id LIMIT 1 OFFSET {offset:UInt64}`;
/** Background merges, held while serve loads its customers (embedded only: a server's merges are the server's). */
export const STOP_MERGES = 'SYSTEM STOP MERGES';
export const START_MERGES = 'SYSTEM START MERGES';
export const SERVING_CUSTOMERS = `SELECT count() AS n FROM customer_profiles WHERE platform_type = {platform:String}`;
export const TABLES_PRESENT = `SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN ('interactions', 'conversations', 'customer_profiles')`;
export const CHAT_LOG = `
SELECT m.seq AS seq, m.inbound AS inbound, i.participant_external_id AS author, i.raw_text AS text
FROM conversation_messages m
JOIN (SELECT external_id, participant_external_id, raw_text FROM interactions
      WHERE platform_type = {platform:String}
        AND external_id IN (SELECT external_id FROM conversation_messages WHERE conversation_id = {conversation_id:String})) i
  ON i.external_id = m.external_id
WHERE m.conversation_id = {conversation_id:String}
ORDER BY m.seq`;

/** review: the newest predict run, and the latest decision per conversation. */
export const LATEST_PREDICTIONS = `
SELECT * EXCEPT created_at FROM nba_predictions
WHERE run_id = (SELECT argMax(run_id, created_at) FROM nba_predictions)
ORDER BY customer_id, conversation_id`;
export const LATEST_REVIEWS = `
SELECT conversation_id, argMax(decision, reviewed_at) AS decision, argMax(channel, reviewed_at) AS channel,
  argMax(message, reviewed_at) AS message, argMax(reason, reviewed_at) AS reason
FROM nba_reviews WHERE run_id = {run_id:String} GROUP BY conversation_id`;

/** train: the models, one row each (ReplacingMergeTree on model_id: FINAL reads one copy). */
export const LOAD_MODEL = `SELECT * FROM models FINAL WHERE model_id = {model_id:String}`;
export const LATEST_MODEL = `SELECT * FROM models FINAL ORDER BY trained_at DESC, model_id DESC LIMIT 1`;
