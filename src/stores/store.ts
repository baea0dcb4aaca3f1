// The one seam between the pipeline and a target database. The pipeline never asks which adapter it holds.
import type { BatchFormat, ExportFormat } from '../files/formats.js';
import type { BatchFile } from '../model/interactions.js';
import type { NamedQuery, QueryParams } from '../model/named-query.js';
import type { OutputTable } from '../model/schema.js';
import type { ConversationRow, LatestReview, ModelRow, ModelToSave, PredictionRow, ProfileRow, RowSet } from './rows.js';

export type { ChatLine, ConversationRow, LatestReview, ModelRow, ModelToSave, PredictionRow, ProfileRow, RowSet } from './rows.js';

export interface CustomerRecord {
  profile: ProfileRow | null;
  /** The customer's open conversations. */
  conversations: ConversationRow[];
}

export interface ServingData {
  profiles: RowSet<ProfileRow>;
  openConversations: RowSet<ConversationRow>;
}

export interface Review {
  review_id: string;
  run_id: string;
  conversation_id: string;
  customer_id: string;
  decision: 'approved' | 'rejected' | 'edited';
  channel: string;
  message: string;
  reason: string;
  reviewer: string;
  reviewed_at: Date;
}

export type PingResult = { success: true } | { success: false; error: Error };

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface PipelineRun {
  run_id: string;
  pipeline: string;
  target: string;
  source_file: string;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  rows_already_present: number;
  rejected_by_reason: Record<string, number>;
  error: string | null;
}

export interface Watermark {
  pipeline: string;
  platform_type: string;
  last_interaction_timestamp: Date;
  last_run_id: string;
  rows_total: number;
}

export interface InteractionStats {
  newest: Date | null;
  count: number;
}

export interface LoadContext {
  runId: string;
  platform: string;
  /** Newest interaction already in the target for this platform when the run began; null means nothing was there. */
  newestLoaded: Date | null;
}

export interface Store {
  /** The target in --json output: the --db value that names it (chdb for embedded ClickHouse, clickhouse for a server, postgres). */
  readonly name: string;
  /** Which batch file format this store loads fastest. */
  readonly batchFormat: BatchFormat;
  /** How many batches may load at once (each in its own transaction). */
  readonly loadConcurrency: number;
  ping(): Promise<PingResult>;
  /** Creates missing tables; returns the versions applied by this call. */
  migrate(): Promise<number[]>;
  saveRun(run: PipelineRun): Promise<void>;
  /** Newest interaction timestamp and row count for a platform, in one pass. */
  interactionStats(platform: string): Promise<InteractionStats>;
  /** Whether the platform has any interaction: one key lookup, where interactionStats reads every row. */
  hasInteractions(platform: string): Promise<boolean>;
  /** Inserts the batch rows whose (platform_type, external_id) is not yet present; returns how many were inserted. */
  loadInteractions(batch: BatchFile, context: LoadContext): Promise<number>;
  /** Drops whatever the load of this run kept between batches. */
  endLoad(runId: string): Promise<void>;
  /** Appends the run's rejected rows (a file in batchFormat) to rejected_interactions. */
  quarantine(file: string): Promise<void>;
  saveWatermark(watermark: Watermark): Promise<void>;
  /** Format of exported files. */
  readonly exportFormat: ExportFormat;
  /** Runs a stage's query (in this store's dialect) and writes its rows to a local file in exportFormat. */
  exportRows(query: NamedQuery, file: string, params: QueryParams): Promise<void>;
  /** Appends a file's rows (in batchFormat) to a table. */
  appendTable(table: OutputTable, file: string): Promise<void>;
  /**
   * Appends the rows of a CSV file as DuckDB writes one (a header, then the table's columns in order; an unquoted empty
   * field is a null, "" an empty text; timestamps in ISO 8601): the user's predictions file, loaded as it is.
   */
  appendCsv(table: OutputTable, file: string): Promise<void>;
  /**
   * Replaces each table's rows with a file's (in batchFormat); readers see the old rows or the new, never a mix. Files
   * may arrive one by one (an async iterable): each loads into a shadow table while the producer makes the next, and
   * the tables are swapped in only after every file has loaded, so a failure replaces nothing.
   */
  replaceTables(tables: ReplacementFiles): Promise<void>;
  countRows(table: OutputTable): Promise<number>;
  /** What serve keeps in memory: every customer profile and every open conversation. */
  loadServingData(platform: string): Promise<ServingData>;
  /** One conversation as `Customer: …` / `Agent (brand): …` lines in order, for the LLM prompt in serve. */
  chatLog(conversationId: string, platform: string): Promise<string>;
  /** review: the newest predict run's rows (the output columns), or none. */
  latestPredictions(): Promise<PredictionRow[]>;
  /** review: the latest decision per conversation of a run. */
  latestReviews(runId: string): Promise<LatestReview[]>;
  /** review: stores one decision at once, so a crash loses nothing. */
  saveReview(review: Review): Promise<void>;
  /** train: stores a model whole (its JSON) with its id, time, rows, time range and metrics; a model already there stays. */
  saveModel(model: ModelToSave): Promise<void>;
  /** The model with this id, or the latest trained when `id` is null; null when there is none. */
  loadModel(id: string | null): Promise<ModelRow | null>;
  /** The tables serve needs that exist. */
  presentTables(): Promise<string[]>;
  /** Set when the database can run a stage's own SQL inside itself (process --engine clickhouse); null otherwise. */
  readonly sqlEngine: SqlEngine | null;
  close(): Promise<void>;
}

/** Values bound to an engine statement; a Date binds as the engine's own time text. */
export type EngineParams = Record<string, string | number | boolean | Date | readonly string[]>;

/** A stage's statements run inside the target, in ClickHouse SQL with values bound as {name:Type}. */
export interface SqlEngine {
  /** One statement; `settings` are the engine's query settings. */
  execute(query: string, params?: EngineParams, settings?: Record<string, string | number>): Promise<void>;
  select<T>(query: string, params?: EngineParams): Promise<T[]>;
  insertRows(table: string, rows: object[]): Promise<void>;
  /**
   * Fills a shadow table for each item (`fill` writes into the table named `next`), then swaps them all in at once:
   * readers see the old rows or the new, never a mix, and a failure replaces nothing.
   */
  replaceWith<T extends { table: OutputTable }>(items: AsyncIterable<T> | Iterable<T>, fill: (item: T, next: string) => Promise<void>): Promise<void>;
}

export type ReplacementFiles = AsyncIterable<{ table: OutputTable; file: string }> | Iterable<{ table: OutputTable; file: string }>;

/**
 * Runs `load` on each item as it arrives, while the producer goes on to the next item: one load at a time and in order,
 * or with `together`, each as soon as its item arrives (a load after a failed one does not start, in order). Resolves
 * with the items once every load is done; on any failure it waits for the loads in flight, then throws the first error.
 */
export async function loadWhileProducing<T>(
  items: AsyncIterable<T> | Iterable<T>,
  load: (item: T) => Promise<void>,
  options: { together?: boolean } = {},
): Promise<T[]> {
  const seen: T[] = [];
  const loads: Promise<void>[] = [];
  try {
    for await (const item of items) {
      seen.push(item);
      const after = options.together ? Promise.resolve() : (loads.at(-1) ?? Promise.resolve());
      const loading = after.then(() => load(item));
      // Observed below; this keeps a failed load from being reported as unhandled while the producer still runs.
      loading.catch(() => {});
      loads.push(loading);
    }
  } catch (error) {
    await Promise.allSettled(loads);
    throw error;
  }
  for (const result of await Promise.allSettled(loads)) if (result.status === 'rejected') throw result.reason;
  return seen;
}
