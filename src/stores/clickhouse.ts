// ClickHouse adapter over @clickhouse/client. Embedded (chDB in-process) and server differ only in
// the connection and in how batches travel: chDB reads Parquet files itself, a server gets CSV streams over HTTP.
import { formatChatLog } from './chat-log.js';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ClickHouseClient, createClient, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { TargetConfig } from '../config/index.js';
import { UserError, messageOf } from '../errors.js';
import { arrowStreamBytes, rowsOfObjects, type ArrowColumn, type ArrowColumnType } from '../files/arrow.js';
import { parseTimestamp } from '../files/timestamps.js';
import { reportTiming, timingsOn } from '../progress/timings.js';
import type { BatchFormat } from '../files/formats.js';
import type { BatchFile } from '../model/interactions.js';
import type { NamedQuery, QueryParams } from '../model/named-query.js';
import type { OutputTable } from '../model/schema.js';
import * as sql from './clickhouse.sql.js';
import { APPLIED_MIGRATIONS, CLICKHOUSE_MIGRATIONS, CREATE_SCHEMA_MIGRATIONS, MIGRATIONS_TABLE } from './migrations/clickhouse.sql.js';
import { pendingMigrations } from './migrations/migration.js';
import { Table } from 'apache-arrow';
import { ARROW_STREAM_OUTPUT, arrowRowSet, readArrowStream } from './arrow-rows.js';

/** How many parts serve's rows are read in. */
const SERVING_PARTS = 4;
import { ROW_COLUMNS, typedRows, type ChatLine, type ConversationRow, type LatestReview, type ModelRow, type ModelToSave, type PredictionRow, type ProfileRow } from './rows.js';
import { openNow, openWhenFree } from './embedded-lock.js';
import { loadWhileProducing, type ReplacementFiles, type Review, type ServingData, type InteractionStats, type LoadContext, type PingResult, type PipelineRun, type Store, type Watermark, type EngineParams, type SqlEngine } from './store.js';

type ClickHouseTarget = Extract<TargetConfig, { kind: 'clickhouse' }>;

export interface ClickHouseStoreOptions {
  /** How batches reach the engine; defaults to Parquet files read in-process for embedded, NDJSON streams for a server. */
  loadMethod?: LoadMethod;
  /** A ready client, or a connection (as createClient takes one, e.g. chDB's), for the store to use instead of opening its own; the store never closes it. */
  connection?: ClickHouseConnection;
}

/** What createStore accepts for a ClickHouse target: a ready @clickhouse/client client, or a connection for one. */
export type ClickHouseConnection = ClickHouseClient | NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

/** ClickHouse sends JSON columns as String text, and DateTime64 as text without a zone (UTC here). */
const DRIVER = { jsonAsText: true };

/**
 * createClient builds the shared ClickHouseClient that the exported (Node) class extends, so a client is recognised
 * by that base class; anything else handed in is a connection to build a client on.
 */
const CLIENT_CLASS = Object.getPrototypeOf(ClickHouseClient.prototype).constructor as abstract new (...args: never[]) => ClickHouseClient;
const isClient = (given: ClickHouseConnection): given is ClickHouseClient => given instanceof CLIENT_CLASS;

export type LoadMethod = 'parquet-file' | 'json-stream';

export function toClickHouseTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function fromClickHouseTime(text: string | null): Date | null {
  return text ? parseTimestamp(text) : null;
}

/** Dates as DateTime64 text: the client would send a Unix time, whose milliseconds a DateTime64(3) parameter drops. */
function bindable(params: EngineParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, value instanceof Date ? toClickHouseTime(value) : value]));
}

export class ClickHouseStore implements Store {
  readonly name: string;
  readonly batchFormat: BatchFormat;
  readonly loadConcurrency = 1;
  private connection: ClickHouseClient | null = null;
  /** The client built on what the caller handed in, if anything: used instead of opening one, and never closed. */
  private readonly handed: ClickHouseClient | null;
  private opening: Promise<ClickHouseClient> | null = null;
  private readonly loadMethod: LoadMethod;
  private readonly loadedByRun = new Map<string, number>();
  private runVersion = 0;

  constructor(private readonly target: ClickHouseTarget, options: ClickHouseStoreOptions = {}) {
    // The --db value that names exactly this target, whatever the environment: chdb is always the embedded engine.
    this.name = target.mode === 'embedded' ? 'chdb' : 'clickhouse';
    this.loadMethod = options.loadMethod ?? (target.mode === 'embedded' ? 'parquet-file' : 'json-stream');
    this.batchFormat = this.loadMethod === 'parquet-file' ? 'parquet' : 'ndjson';
    const given = options.connection;
    this.handed = given === undefined ? null : isClient(given) ? given : createClient({ connection: given } as Parameters<typeof createClient>[0]);
  }

  private connect(): ClickHouseClient {
    const target = this.target;
    if (target.mode === 'embedded') {
      fs.mkdirSync(target.dataPath, { recursive: true });
      return createClient({ connection: createChdbConnection({ path: target.dataPath }) } as Parameters<typeof createClient>[0]);
    }
    return createClient({
      url: target.server.url,
      username: target.server.username,
      password: target.server.password,
      database: target.server.database,
      request_timeout: 300_000,
    });
  }

  /**
   * Opened on first use and again after close(), so one process holds the embedded engine only while it works. ping()
   * waits for another process to let go of it (embedded-lock.ts); a later first use fails at once with store_busy.
   */
  private get client(): ClickHouseClient {
    if (this.handed) return this.handed;
    if (!this.connection) this.connection = this.target.mode === 'embedded' ? openNow(this.target.dataPath, () => this.connect()) : this.connect();
    return this.connection;
  }

  /** Callers that ping at once share one wait; a connection opened meanwhile by first use is kept, the spare closed. */
  private async openWaiting(dataPath: string): Promise<void> {
    this.opening ??= openWhenFree(dataPath, () => this.connect()).finally(() => (this.opening = null));
    const opened = await this.opening;
    if (!this.connection) this.connection = opened;
    else if (this.connection !== opened) await opened.close();
  }

  private where(): string {
    return this.target.mode === 'embedded' ? `embedded ClickHouse at ${this.target.dataPath}` : `the ClickHouse server at ${new URL(this.target.server.url).host}`;
  }

  /** Driver errors become one sentence that says what was being done. */
  private async guard<T>(doing: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UserError) throw error;
      const message = messageOf(error);
      if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up|Timeout error/i.test(message)) {
        throw new UserError('database_unreachable', `Could not reach ${this.where()} while ${doing} (${message.split('\n')[0]}).`, {
          actions: ['Check CLICKHOUSE_URL (or CLICKHOUSE_HOST/PORT) and that the server is running, or unset them to use the embedded engine.'],
          cause: error,
        });
      }
      throw new UserError('database_error', `ClickHouse failed while ${doing}: ${message.split('\n')[0]}`, { cause: error });
    }
  }

  /**
   * guard() for a statement that moves a lot of data, after which the embedded engine hands its freed memory back to
   * the system. chDB's allocator (jemalloc) keeps freed pages for reuse, so without this a process's RSS holds the
   * peak of every earlier statement: an insert of predict's 606k actions left 1.8 GB resident that one purge brought to
   * 0.3 GB (measured in a bare chDB session). A purge takes about 0.1 s; a server manages its own memory.
   */
  private async heavy<T>(doing: string, work: () => Promise<T>): Promise<T> {
    const started = timingsOn() ? performance.now() : 0;
    const result = await this.guard(doing, work);
    if (this.target.mode === 'embedded') await this.client.command({ query: sql.RELEASE_MEMORY }).catch(() => {});
    if (started) reportTiming('store', doing, started);
    return result;
  }

  private async rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
    return (await result.json()) as T[];
  }

  async ping(): Promise<PingResult> {
    try {
      if (this.target.mode === 'embedded' && !this.handed && !this.connection) await this.openWaiting(this.target.dataPath);
      const result = await this.client.ping();
      if (result.success) return { success: true };
      return { success: false, error: new UserError('database_unreachable', `Could not reach ${this.where()}: ${messageOf(result.error)}.`, { cause: result.error }) };
    } catch (error) {
      if (error instanceof UserError) return { success: false, error };
      return { success: false, error: new UserError('database_unreachable', `Could not reach ${this.where()}: ${messageOf(error)}.`, { cause: error }) };
    }
  }

  async migrate(): Promise<number[]> {
    return this.guard('creating tables', async () => {
      await this.client.command({ query: CREATE_SCHEMA_MIGRATIONS });
      const applied = new Set((await this.rows<{ version: number }>(APPLIED_MIGRATIONS)).map((row) => Number(row.version)));
      const done: number[] = [];
      // No transactions here: every statement is IF NOT EXISTS, so a migration cut short runs again whole.
      for (const migration of pendingMigrations(CLICKHOUSE_MIGRATIONS, applied)) {
        for (const statement of migration.statements) await this.client.command({ query: statement });
        await this.client.insert({ table: MIGRATIONS_TABLE, values: [{ version: migration.version, name: migration.name }], format: 'JSONEachRow' });
        done.push(migration.version);
      }
      // Load tables left by a killed server-path run hold nothing the next run needs.
      for (const { name } of await this.rows<{ name: string }>(sql.STALE_LOAD_TABLES)) {
        await this.client.command({ query: sql.dropLoadTable(name) });
      }
      return done;
    });
  }

  async saveRun(run: PipelineRun): Promise<void> {
    this.runVersion = Math.max(Date.now(), this.runVersion + 1);
    const row = {
      ...run,
      started_at: toClickHouseTime(run.started_at),
      finished_at: run.finished_at ? toClickHouseTime(run.finished_at) : null,
      rejected_by_reason: JSON.stringify(run.rejected_by_reason),
      version: this.runVersion,
    };
    await this.guard('recording the pipeline run', () => this.client.insert({ table: 'pipeline_runs', values: [row], format: 'JSONEachRow' }));
  }

  async hasInteractions(platform: string): Promise<boolean> {
    const rows = await this.guard('reading what is loaded', () => this.rows<{ present: number }>(sql.HAS_INTERACTIONS, { platform }));
    return rows.length > 0;
  }

  async interactionStats(platform: string): Promise<InteractionStats> {
    const [row] = await this.guard('reading what is loaded', () => this.rows<{ newest: string; n: string }>(sql.INTERACTION_STATS, { platform }));
    const count = Number(row?.n ?? 0);
    return { newest: count > 0 ? fromClickHouseTime(row.newest) : null, count };
  }

  async loadInteractions(batch: BatchFile, context: LoadContext): Promise<number> {
    const params = { platform: context.platform };
    const check = context.newestLoaded !== null;
    await this.heavy(`loading batch ${batch.index}`, async () => {
      if (this.loadMethod === 'parquet-file') {
        await this.client.command({ query: sql.insertInteractionsFromParquet(check), query_params: { ...params, file: batch.path }, clickhouse_settings: sql.FILE_READ_SETTINGS });
        return;
      }
      const table = sql.loadTableName(context.runId);
      await this.client.command({ query: sql.createLoadTable(table) });
      await this.client.command({ query: sql.truncateLoadTable(table) });
      // exec sends the file as the raw request body, so rows are never parsed in Node.
      await this.client.exec({ query: sql.insertIntoLoadTable(table), values: fs.createReadStream(batch.path) });
      await this.client.command({ query: sql.moveFromLoadTable(table, check), query_params: params });
      await this.client.command({ query: sql.truncateLoadTable(table) });
    });
    const [{ n }] = await this.guard('counting loaded rows', () => this.rows<{ n: string }>(sql.COUNT_LOADED_BY_RUN, { run_id: context.runId }));
    const total = Number(n);
    const before = this.loadedByRun.get(context.runId) ?? 0;
    this.loadedByRun.set(context.runId, total);
    return total - before;
  }

  async endLoad(runId: string): Promise<void> {
    this.loadedByRun.delete(runId);
    if (this.loadMethod === 'json-stream') {
      await this.guard('dropping the load table', () => this.client.command({ query: sql.dropLoadTable(sql.loadTableName(runId)) }));
    }
  }

  async quarantine(file: string): Promise<void> {
    await this.heavy('writing rejected rows', async () => {
      if (this.loadMethod === 'parquet-file') {
        await this.client.command({ query: sql.INSERT_REJECTS_FROM_PARQUET, query_params: { file }, clickhouse_settings: sql.FILE_READ_SETTINGS });
      } else {
        await this.client.exec({ query: sql.INSERT_REJECTS_JSON, values: fs.createReadStream(file) });
      }
    });
  }

  async saveWatermark(watermark: Watermark): Promise<void> {
    const row = { ...watermark, last_interaction_timestamp: toClickHouseTime(watermark.last_interaction_timestamp), updated_at: toClickHouseTime(new Date()) };
    await this.guard('saving the watermark', () => this.client.insert({ table: 'ingestion_watermarks', values: [row], format: 'JSONEachRow' }));
  }

  readonly exportFormat = 'parquet' as const;

  async exportRows(query: NamedQuery, file: string, params: QueryParams): Promise<void> {
    await this.heavy(`exporting ${query.name}`, async () => {
      if (this.loadMethod === 'parquet-file') {
        await this.client.command({
          query: sql.exportToFile(query.clickhouse),
          query_params: { ...params, file },
          clickhouse_settings: { ...sql.PARQUET_WORK_FILE_SETTINGS, engine_file_truncate_on_insert: 1 },
        });
        return;
      }
      const result = await this.client.exec({ query: sql.exportAsParquet(query.clickhouse), query_params: params });
      await pipeline(result.stream, fs.createWriteStream(file));
    });
  }

  async appendTable(table: OutputTable, file: string): Promise<void> {
    await this.heavy(`writing ${table.name}`, () => this.insertFile(table, table.name, file));
  }

  async appendCsv(table: OutputTable, file: string): Promise<void> {
    await this.heavy(`writing ${table.name}`, async () => {
      if (this.loadMethod === 'parquet-file') {
        await this.client.command({ query: sql.insertOutputFromCsv(table, table.name), query_params: { file }, clickhouse_settings: sql.CSV_INSERT_SETTINGS });
      } else {
        await this.client.exec({ query: sql.insertOutputCsv(table, table.name), values: fs.createReadStream(file), clickhouse_settings: sql.CSV_READ_SETTINGS });
      }
    });
  }

  /** Rows of a file in batchFormat into a table shaped like `table`: read in place by the embedded engine, else streamed. */
  private async insertFile(table: OutputTable, into: string, file: string): Promise<void> {
    if (this.loadMethod === 'parquet-file') {
      await this.client.command({ query: sql.insertOutputFromParquet(table, into), query_params: { file }, clickhouse_settings: sql.FILE_INSERT_SETTINGS });
    } else {
      await this.client.exec({ query: sql.insertOutputJson(into), values: fs.createReadStream(file) });
    }
  }

  async replaceTables(tables: ReplacementFiles): Promise<void> {
    await this.replaceWith(tables, ({ table, file }, next) => this.insertFile(table, next, file));
  }

  /**
   * Fills a shadow table (`<table>__next`) for each item as it arrives, then EXCHANGEs them all back to back: readers
   * see the old rows or the new, never a mix, and a failure replaces nothing (the shadow tables are dropped).
   */
  private async replaceWith<T extends { table: OutputTable }>(items: AsyncIterable<T> | Iterable<T>, fill: (item: T, next: string) => Promise<void>): Promise<void> {
    const started: OutputTable[] = [];
    const loaded = await loadWhileProducing(items, (item) =>
      this.heavy(`writing ${item.table.name}`, async () => {
        started.push(item.table);
        const next = sql.nextTableName(item.table);
        await this.client.command({ query: sql.dropTable(next) });
        await this.client.command({ query: sql.createOutputTable(item.table, next, this.target.mode === 'embedded' ? sql.REPLACED_TABLE_SETTINGS : '') });
        await fill(item, next);
      }),
    ).catch(async (error: unknown) => {
      for (const table of started) await this.client.command({ query: sql.dropTable(sql.nextTableName(table)) }).catch(() => {});
      throw error;
    });
    // Every shadow table is full: the swaps are metadata operations, back to back.
    await this.guard('replacing processed tables', async () => {
      for (const { table } of loaded) {
        const next = sql.nextTableName(table);
        await this.client.command({ query: sql.createOutputTable(table) });
        await this.client.command({ query: sql.exchangeTables(next, table.name) });
        await this.client.command({ query: sql.dropTable(next) });
      }
    });
  }

  /** Work that runs inside ClickHouse (process --engine clickhouse): the stage's own statements. */
  readonly sqlEngine: SqlEngine = {
    execute: (query, params = {}, settings = {}) =>
      this.heavy('processing in ClickHouse', async () => {
        const started = timingsOn() ? performance.now() : 0;
        await this.client.command({ query, query_params: bindable(params), clickhouse_settings: settings as ClickHouseSettings });
        if (started) reportTiming('clickhouse', query, started);
      }),
    select: <T>(query: string, params: EngineParams = {}) => this.guard('processing in ClickHouse', () => this.rows<T>(query, bindable(params))),
    insertRows: (table, rows) => this.insertRows(table, rows),
    replaceWith: (items, fill) => this.replaceWith(items, fill),
  };

  /**
   * A server gets the rows as one Arrow IPC stream typed from the table's columns (smaller, and parsed without JSON);
   * chDB's connection reads an insert's body as UTF-8 text, so the embedded engine keeps JSONEachRow.
   */
  private async insertRows(table: string, rows: object[]): Promise<void> {
    await this.guard(`writing ${table}`, async () => {
      if (this.target.mode === 'embedded' || rows.length === 0) {
        await this.client.insert({ table, values: rows, format: 'JSONEachRow' });
        return;
      }
      const described = await this.rows<{ name: string; type: string }>(sql.describeTable(table), { table });
      const { columns, bytes } = await arrowInsert(described, rows);
      // The client's insert() takes no ArrowStream format; exec sends the bytes as the request body.
      const result = await this.client.exec({ query: sql.insertArrowStream(table, columns), values: Readable.from([bytes]) });
      result.stream.resume();
    });
  }

  async countRows(table: OutputTable): Promise<number> {
    const [{ n }] = await this.guard(`counting ${table.name}`, () => this.rows<{ n: string }>(sql.countRows(table)));
    return Number(n);
  }

  async loadServingData(platform: string): Promise<ServingData> {
    return this.heavy('loading customers for serve', () => this.withoutMerges(async () => {
      // In parts by customer range, one after the other: the engine then holds one part's answer at a time (peak RSS at
      // start-up). The bounds split the profiles into SERVING_PARTS equal shares; ids beyond them fall in the end parts.
      const [{ n }] = await this.rows<{ n: string }>(sql.SERVING_CUSTOMERS, { platform });
      const bounds: string[] = [];
      for (let part = 1; part < SERVING_PARTS && Number(n) > 0; part += 1) {
        const [bound] = await this.rows<{ customer_id: string }>(sql.SERVING_BOUND, { platform, offset: Math.floor((Number(n) * part) / SERVING_PARTS) });
        if (bound && bound.customer_id !== bounds.at(-1)) bounds.push(bound.customer_id);
      }
      const ranges = [undefined, ...bounds].map((lo, i) => ({ lo, hi: bounds[i] as string | undefined }));
      const columns = async (query: (range: string) => string) => {
        const parts: Table[] = [];
        for (const { lo, hi } of ranges) {
          const range = sql.servingRange(lo !== undefined, hi !== undefined);
          const result = await this.client.exec({ query: `${query(range)} ${ARROW_STREAM_OUTPUT}`, query_params: { platform, ...(lo === undefined ? {} : { lo }), ...(hi === undefined ? {} : { hi }) } });
          parts.push(await readArrowStream(result.stream));
        }
        return new Table(parts.flatMap((table) => table.batches));
      };
      const profiles = await columns(sql.servingProfiles);
      const openConversations = await columns(sql.servingOpenConversations);
      return {
        profiles: arrowRowSet<ProfileRow>(profiles, ROW_COLUMNS.profile, DRIVER),
        openConversations: arrowRowSet<ConversationRow>(openConversations, ROW_COLUMNS.conversation, DRIVER),
      };
    }));
  }

  /**
   * Embedded, the first process to open the store after a job merges the parts that job left (predict's 606k rows, say)
   * in the background, on the same cores. serve loads its customers first and lets the merges run once it answers:
   * its start-up right after predict took 7.3 s against 4.9 s once the merges were done.
   */
  private async withoutMerges<T>(work: () => Promise<T>): Promise<T> {
    if (this.target.mode !== 'embedded') return work();
    await this.client.command({ query: sql.STOP_MERGES });
    try {
      return await work();
    } finally {
      await this.client.command({ query: sql.START_MERGES }).catch(() => {});
    }
  }

  async chatLog(conversationId: string, platform: string): Promise<string> {
    const lines = await this.guard('reading a chat log', () => this.rows<Record<string, unknown>>(sql.CHAT_LOG, { conversation_id: conversationId, platform }));
    return formatChatLog(typedRows<ChatLine>(ROW_COLUMNS.chatLine, lines, DRIVER));
  }

  async latestPredictions(): Promise<PredictionRow[]> {
    const rows = await this.guard('reading the latest predictions', () => this.rows<Record<string, unknown>>(sql.LATEST_PREDICTIONS));
    return typedRows<PredictionRow>(ROW_COLUMNS.prediction, rows, DRIVER);
  }

  async latestReviews(runId: string): Promise<LatestReview[]> {
    const rows = await this.guard('reading reviews', () => this.rows<Record<string, unknown>>(sql.LATEST_REVIEWS, { run_id: runId }));
    return typedRows<LatestReview>(ROW_COLUMNS.latestReview, rows, DRIVER);
  }

  async saveReview(review: Review): Promise<void> {
    await this.insertRows('nba_reviews', [{ ...review, reviewed_at: toClickHouseTime(review.reviewed_at) }]);
  }

  async saveModel(model: ModelToSave): Promise<void> {
    const time = (iso: string | null) => (iso === null ? null : toClickHouseTime(new Date(iso)));
    await this.insertRows('models', [
      {
        model_id: model.model_id,
        trained_at: time(model.trained_at),
        training_rows: model.training_rows,
        time_range_from: time(model.time_range.from),
        time_range_to: time(model.time_range.to),
        metrics: JSON.stringify(model.metrics),
        model: JSON.stringify(model),
      },
    ]);
  }

  async loadModel(id: string | null): Promise<ModelRow | null> {
    const rows = await this.guard('reading a model', () =>
      id === null ? this.rows<Record<string, unknown>>(sql.LATEST_MODEL) : this.rows<Record<string, unknown>>(sql.LOAD_MODEL, { model_id: id }),
    );
    return typedRows<ModelRow>(ROW_COLUMNS.model, rows, DRIVER)[0] ?? null;
  }

  async presentTables(): Promise<string[]> {
    const rows = await this.guard('listing tables', () => this.rows<{ name: string }>(sql.TABLES_PRESENT));
    return rows.map((row) => row.name);
  }

  /** Lets go of the engine (the embedded one allows one process per folder); the next call opens it again. */
  async close(): Promise<void> {
    // A client or connection the caller handed in stays open: it is the caller's to close.
    const connection = this.connection;
    this.connection = null;
    await connection?.close();
  }
}

/** The Arrow column for a ClickHouse column type; what has no closer Arrow type travels as text for ClickHouse to parse. */
export function arrowTypeOfClickHouse(type: string): ArrowColumnType {
  const inner = type.replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1').replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1');
  if (inner === 'Bool') return 'boolean';
  if (/^(?:Float|Decimal)/.test(inner)) return 'float';
  if (/^(?:Int8|Int16|Int32|UInt8|UInt16)$/.test(inner)) return 'integer';
  if (/^(?:Int64|UInt32|UInt64)$/.test(inner)) return 'bigint';
  if (/^(?:DateTime|Date)/.test(inner)) return 'timestamp';
  if (/^Array\((?:LowCardinality\()?String\)?\)$/.test(inner)) return 'text_list';
  return 'text';
}

/** The Arrow columns of a table, from system.columns rows. */
export function arrowColumnsOf(described: ReadonlyArray<{ name: string; type: string }>): ArrowColumn[] {
  return described.map(({ name, type }) => ({ name, type: arrowTypeOfClickHouse(type) }));
}

/**
 * Rows as an ArrowStream insert into a table with the `described` columns: the columns the rows name (as with
 * JSONEachRow, the others are left to their defaults) and the bytes.
 */
export async function arrowInsert(described: ReadonlyArray<{ name: string; type: string }>, rows: readonly object[]): Promise<{ columns: string[]; bytes: Buffer }> {
  const named = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) named.add(key);
  const columns = arrowColumnsOf(described.filter((column) => named.has(column.name)));
  return { columns: columns.map((column) => column.name), bytes: await arrowStreamBytes(columns, rowsOfObjects(columns, rows)) };
}
