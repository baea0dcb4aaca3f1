// The process job: rebuild conversations from the reply graph, compute their features and customer profiles,
// and replace the target's tables at once. The DuckDB engine computes locally on an export of the interactions;
// the ClickHouse engine runs the same steps as SQL inside ClickHouse.
import fs from 'node:fs';
import path from 'node:path';
import type { Config, Engine } from '../config/index.js';
import { parseAsOf } from '../config/as-of.js';
import { UserError } from '../errors.js';
import { runJob } from '../jobs/run-job.js';
import type { StageTracker } from '../progress/stage-tracker.js';
import { openStaging, type Staging } from '../staging/duckdb.js';
import { exportFromStore, exportsCsv, writeForStore, type ExportedRows } from '../staging/store-files.js';
import type { SqlEngine, Store } from '../stores/index.js';
import * as duck from './duckdb.sql.js';
import { processInClickHouse } from './clickhouse-engine.js';
import type { Summary } from './engine.js';
import { PROCESS_INPUT, processInputParams } from './input.js';
import { exportTokenized } from './tokenize.js';
import { readFile } from '../files/formats.js';
import { loadLexicon } from '../model/lexicon.js';
import { CONVERSATIONS, CONVERSATION_MESSAGES, CUSTOMER_PROFILES, type OutputTable } from '../model/schema.js';

/** Checking the data, then the stages of `buildMessageSignals`: the start of process and of evaluate. */
export const HISTORY_STAGES = [
  { id: 'check', label: 'Check data' },
  { id: 'export', label: 'Read interactions' },
  { id: 'threads', label: 'Threads' },
  { id: 'features', label: 'Features' },
];

export const PROCESS_STAGES = [...HISTORY_STAGES, { id: 'profiles', label: 'Profiles' }, { id: 'write', label: 'Write tables' }];

export { ENGINES, type Engine } from '../config/index.js';

/** Pointer doubling halves the remaining depth each step; 40 steps cover threads far deeper than any real one. */
const MAX_POINTER_STEPS = 40;
/** process's resolution window: a brand's closing message with no return for this long resolves a conversation. */
export const RESOLUTION_WINDOW_HOURS = 24;

export interface ProcessOptions {
  engine?: Engine;
  /** ISO timestamp; default: the newest interaction in the data. */
  asOf?: string;
  platform?: string;
  tracker?: StageTracker;
  /**
   * `run`: the DuckDB engine leaves the interactions it read in this folder and says so through onInputKept, so that
   * train, next, reads them rather than exporting the same rows from the store again.
   */
  keepInputIn?: string;
  onInputKept?: (input: KeptInput) => void;
}

/** The store's interactions as one job read them, left for the next job of the same `run` (see keptInputFor). */
export interface KeptInput extends ExportedRows, TweetsRead {}

/**
 * The kept input if it still holds what the store holds (the same number of interactions, the same newest), else
 * null: another load in between makes the next job export again.
 */
export function keptInputFor(input: KeptInput | undefined, stats: { count: number; newest: Date | null }): KeptInput | null {
  if (!input || !fs.existsSync(input.file)) return null;
  return input.interactions === stats.count && input.newest.getTime() === stats.newest?.getTime() ? input : null;
}

export interface ProcessResult {
  engine: Engine;
  target: string;
  conversations: number;
  customers: number;
  open_conversations: number;
  resolved_conversations: number;
  as_of: string;
  seconds: number;
}

export async function processConversations(config: Config, options: ProcessOptions = {}): Promise<ProcessResult> {
  const engine = options.engine ?? config.engine;
  const platform = options.platform ?? 'twitter';
  const asOf = options.asOf === undefined ? undefined : parseAsOf(options.asOf);
  return runJob(config, { name: 'process', stages: PROCESS_STAGES, tracker: options.tracker }, async ({ store, tracker, workDir }) => {
    const sqlEngine = engine === 'clickhouse' ? engineInside(store) : null;
    if (sqlEngine) {
      const stats = await store.interactionStats(platform);
      if (stats.count === 0) throw nothingToProcess();
      tracker.done('check', `${stats.count.toLocaleString('en-US')} interactions`);
      const summary = await processInClickHouse(sqlEngine, {
        platform,
        asOf: asOf ?? (stats.newest as Date),
        tracker,
        maxPointerSteps: MAX_POINTER_STEPS,
        windowHours: RESOLUTION_WINDOW_HOURS,
      });
      return { engine, target: store.name, ...summary };
    }
    // The DuckDB engine counts the interactions and finds the newest as it reads them: on PostgreSQL, counting them
    // first read every row of the table (1.0 to 1.5 s on the 2.8M-row file) where this reads one key.
    if (!(await store.hasInteractions(platform))) throw nothingToProcess();
    tracker.done('check', 'interactions found');
    const summary = await processInDuckDB(config, store, { platform, asOf, tracker, workDir, keepInputIn: options.keepInputIn, onInputKept: options.onInputKept });
    return { engine, target: store.name, ...summary };
  });
}

function nothingToProcess(): UserError {
  return new UserError('file_empty', 'There are no interactions to process yet: load a file first with `riverline ingest FILE`.', {
    actions: ['riverline ingest examples/twcs_sample.csv'],
  });
}

/** --engine clickhouse computes inside the target, so the target must run a stage's SQL itself. */
function engineInside(store: Store): SqlEngine {
  if (store.sqlEngine) return store.sqlEngine;
  throw new UserError('bad_flag', '--engine clickhouse runs inside ClickHouse, so it needs a ClickHouse target; use --engine duckdb with PostgreSQL.');
}

/** asOf: the user's, else the newest interaction read. */
async function processInDuckDB(
  config: Config,
  store: Store,
  context: { platform: string; asOf?: Date; tracker: StageTracker; workDir: string } & Pick<ProcessOptions, 'keepInputIn' | 'onInputKept'>,
): Promise<Summary> {
  const { tracker, platform, workDir } = context;
  const staging = await openStaging(config.stagingPath);
  try {
    await staging.run(duck.SESSION_SETTINGS);
    let counts: Omit<Summary, 'as_of'> | undefined;
    let asOf = context.asOf;
    const exported = async (table: OutputTable) => ({ table, file: await writeForStore(staging, store, table, `${table.name}_out`, workDir) });
    // The store loads conversation_messages (the biggest) while DuckDB computes the features. The conversations and
    // profiles are loaded once DuckDB is done and closed: loading conversations while DuckDB computed the profiles
    // took the 2.8M-row file's peak RSS to 2.7 GB (the two engines' memory at once).
    async function* outputs() {
      const build = {
        platform,
        workDir,
        onStep: (step: 'export' | 'threads' | 'features') => tracker.start(step),
        onRead: (interactions: number) => tracker.update('export', interactions),
        keepInputIn: context.keepInputIn,
        onInputKept: context.onInputKept,
      };
      const { newest } = await buildMessages(staging, store, build);
      asOf ??= newest;
      await staging.run(duck.CREATE_CONVERSATION_KEYS, { platform });
      await staging.run(duck.CREATE_CONVERSATION_MESSAGES);
      yield await exported(CONVERSATION_MESSAGES);
      await runAll(staging, duck.DROP_THREAD_COLUMNS);

      await buildSignals(staging, build);
      const params = { platform, as_of: asOf.toISOString(), window_hours: RESOLUTION_WINDOW_HOURS };
      await staging.run(duck.CREATE_CONVERSATION_FEATURES);
      await staging.run(duck.CREATE_CONVERSATION_WORDS);
      await staging.run(duck.CREATE_CONVERSATION_BRANDS);
      await staging.run(duck.CREATE_CONVERSATION_LIST_HITS);
      await runAll(staging, duck.DROP_MESSAGES);
      await staging.run(duck.CREATE_CONVERSATION_LISTS);
      await staging.run(duck.CREATE_CONVERSATIONS, params);
      await runAll(staging, duck.DROP_CONVERSATION_PARTS);
      const conversations = await exported(CONVERSATIONS);

      tracker.start('profiles');
      await staging.run(duck.CREATE_PROFILES, { platform, as_of: params.as_of });
      [counts] = await staging.rows<Omit<Summary, 'as_of'>>(duck.SUMMARY);
      tracker.update('profiles', counts.customers);
      tracker.start('write');
      const profiles = await exported(CUSTOMER_PROFILES);
      staging.close();
      yield conversations;
      yield profiles;
    }
    await store.replaceTables(outputs());
    if (!counts) throw new Error('process finished without counting its output');
    tracker.update('write', counts.conversations);
    if (!asOf) throw new Error('process finished without an as-of time');
    return { ...counts, as_of: asOf.toISOString() };
  } finally {
    staging.close();
  }
}

interface BuildContext {
  platform: string;
  workDir: string;
  onStep?: (step: 'export' | 'threads' | 'features') => void;
  /** Called with the number of interactions read, once they are. */
  onRead?: (interactions: number) => void;
  /** Interactions an earlier job of this `run` read (keptInputFor): loaded instead of an export. */
  input?: KeptInput | null;
  keepInputIn?: string;
  onInputKept?: (input: KeptInput) => void;
}

/**
 * The shared first half of the DuckDB engine (process and evaluate): export the interactions, rebuild threads and
 * conversations, and leave `tweets`, `messages`, `listed_hits` and the `message_features` view in the staging connection.
 */
export async function buildMessageSignals(staging: Staging, store: Store, context: BuildContext): Promise<TweetsRead> {
  const read = await buildMessages(staging, store, context);
  await buildSignals(staging, context);
  return read;
}

/** What the export held: every interaction of the platform, and the newest one's time. */
export interface TweetsRead {
  interactions: number;
  newest: Date;
}

/** Export the interactions and rebuild threads and conversations: `tweets` and `messages`. */
async function buildMessages(staging: Staging, store: Store, context: BuildContext): Promise<TweetsRead> {
  const step = context.onStep ?? (() => {});
  step('export');
  const rows = context.input ?? (await exportInteractions(store, context));
  await loadTweets(staging, rows);
  const [stats] = await staging.rows<{ interactions: number; newest_ms: number }>(duck.TWEET_STATS);
  const read: TweetsRead = { interactions: stats.interactions, newest: new Date(stats.newest_ms) };
  context.onRead?.(read.interactions);
  if (context.keepInputIn && !context.input) keepInput(rows, read, context);
  await loadLexiconTable(staging);
  step('threads');
  await staging.run(duck.CREATE_POINTERS);
  await stepPointers(staging);
  await staging.run(duck.CREATE_MESSAGES);
  await runAll(staging, duck.DROP_POINTERS);
  return read;
}

/** Moves the export out of the job's work folder (removed when the job ends) for the next job of the run. */
function keepInput(rows: ExportedRows, read: TweetsRead, context: BuildContext): void {
  const file = path.join(context.keepInputIn!, path.basename(rows.file));
  fs.mkdirSync(context.keepInputIn!, { recursive: true });
  fs.renameSync(rows.file, file);
  context.onInputKept?.({ ...rows, file, ...read });
}

/** Each message's lexicon signals (`message_features`) and its listed terms (`listed_hits`). */
async function buildSignals(staging: Staging, context: BuildContext): Promise<void> {
  context.onStep?.('features');
  await staging.run(duck.CREATE_LEXICON_TERMS);
  await staging.run(duck.CREATE_MESSAGE_SIGNALS);
  await staging.run(duck.CREATE_MESSAGE_FEATURES);
  await staging.run(duck.CREATE_LISTED_HITS);
  await runAll(staging, duck.DROP_TOKENS);
}

async function runAll(staging: Staging, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await staging.run(statement);
}

const TWEET_COLUMNS = { external_id: 'VARCHAR', author: 'VARCHAR', inbound: 'BOOLEAN', ts: 'TIMESTAMPTZ', parent_id: 'VARCHAR', text: 'VARCHAR', first_mention: 'VARCHAR' };

/**
 * The interactions as words. A ClickHouse store's export ships them; PostgreSQL's ships text (a CSV export), which the
 * embedded engine tokenizes as it arrives (tokenize.ts). DuckDB tokenizes the text only when that engine is busy in
 * this process.
 */
async function exportInteractions(store: Store, context: BuildContext): Promise<ExportedRows> {
  const params = processInputParams(context.platform);
  if (exportsCsv(store)) {
    const words = await exportTokenized((file) => store.exportRows(PROCESS_INPUT, file, params), context.workDir);
    if (words !== null) return { file: words, reader: readFile('parquet') };
  }
  return exportFromStore(store, PROCESS_INPUT, params, { dir: context.workDir, name: 'interactions', columns: TWEET_COLUMNS });
}

async function loadTweets(staging: Staging, { file, reader: source }: ExportedRows): Promise<void> {
  // A store may ship space-joined tokens (ClickHouse: lexicon terms, and a customer's every token apart) or text
  // (PostgreSQL, when the embedded engine is busy: every token); either way `tweets` ends with tokens and a customer
  // tweet's words, space-joined.
  const columns = await staging.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${source}`, { file });
  const shipsWords = columns.some((column) => column.column_name === 'words');
  await staging.run(
    `CREATE OR REPLACE TEMP TABLE tweets AS SELECT external_id, author, inbound::BOOLEAN AS inbound, ts::TIMESTAMPTZ AS ts,
       parent_id, ${shipsWords ? duck.SPLIT_WORDS : duck.TOKENIZE} AS tokens, first_mention,
       ${shipsWords ? 'customer_words' : duck.CUSTOMER_WORDS_OF_TOKENS} AS customer_words FROM ${source}`,
    { file },
  );
}

async function loadLexiconTable(staging: Staging): Promise<void> {
  await staging.run(duck.LEXICON_TABLE);
  const appender = await staging.connection.createAppender('lexicon', 'main', 'temp');
  for (const row of loadLexicon()) {
    appender.appendVarchar(row.kind);
    appender.appendVarchar(row.term);
    appender.appendVarchar(row.topic);
    appender.appendInteger(row.score);
    appender.appendInteger(row.rank);
    appender.appendInteger(duck.termBit(row));
    appender.endRow();
  }
  appender.closeSync();
}

async function stepPointers(staging: Staging): Promise<void> {
  for (const [step, count] of [
    [duck.STEP_ROOTS, duck.COUNT_ROOTS_LEFT],
    [duck.STEP_ANCHORS, duck.COUNT_ANCHORS_LEFT],
  ]) {
    for (let i = 0; i < MAX_POINTER_STEPS; i++) {
      const [{ climbing }] = await staging.rows<{ climbing: number }>(count);
      if (climbing === 0) break;
      await staging.run(step);
    }
  }
}

