// Rows arrive typed: for the same data, embedded ClickHouse and PostgreSQL hand back identical rows (dates as Date,
// JSON parsed, booleans as booleans, numbers as numbers), with exactly the schema's columns.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { processConversations } from '../../src/conversations/process.js';
import { predict } from '../../src/decisions/predict.js';
import { CONVERSATIONS, CUSTOMER_PROFILES, NBA_PREDICTIONS } from '../../src/model/schema.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { createStore, prepareStore, type ConversationRow, type LatestReview, type PredictionRow, type ProfileRow, type RowSet } from '../../src/stores/index.js';
import { PREDICT_CONVERSATIONS, RECENT_WORDS_AS_LIST } from '../../src/decisions/predict-input.js';
import { openStaging } from '../../src/staging/duckdb.js';
import { exportFromStore } from '../../src/staging/store-files.js';
import { ROOT } from '../helpers/cli.js';
import { TARGET_NAMES, useBothTargets, type TargetName } from '../helpers/targets.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const THREADS = path.join(ROOT, 'test', 'fixtures', 'threads.csv');
const targets = useBothTargets('store-rows');

interface Read {
  /** predict's open conversations, as its decision features read them: customer_id, recent_words and the words' DuckDB type. */
  predictInput: Array<{ customer_id: string; recent_words: string[]; type: string }>;
  profiles: ProfileRow[];
  conversations: ConversationRow[];
  predictions: Array<Omit<PredictionRow, 'run_id'>>;
  reviews: LatestReview[];
  chatLog: string;
  /** serve's chat log (store.chatLog) of every conversation predict wrote a row for. */
  servedChatLogs: Map<string, string>;
  /** Whether the store merges parts again once serve's customers are loaded (an OPTIMIZE fails while merges are held). */
  mergesAfterLoad: boolean | null;
  /** Whether serve's profiles and open conversations are searched in their Arrow bytes (they arrive sorted by customer). */
  searchedInPlace: unknown[];
}
const read = new Map<TargetName, Read>();

beforeAll(async () => {
  for (const target of TARGET_NAMES) {
    const config = targets.config(target);
    await ingest(config, { file: SAMPLE });
    await ingest(config, { file: THREADS });
    await processConversations(config, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
    const { run_id: runId } = await predict(config, { out: path.join(targets.home, `${target}.csv`), llm: 'off' });
    const store = createStore(config);
    try {
      await prepareStore(store);
      const review = { review_id: `r-${target}`, run_id: runId, conversation_id: 'c-unknown', customer_id: 'c1', reviewer: 'lead', reviewed_at: new Date() };
      await store.saveReview({ ...review, decision: 'edited', channel: 'email_reply', message: 'Edited, with "quotes"\nand a new line', reason: '' });
      const loaded = await store.loadServingData('twitter');
      const mergesAfterLoad = store.sqlEngine
        ? await store.sqlEngine.execute('OPTIMIZE TABLE customer_profiles FINAL').then(() => true, () => false)
        : null;
      // Every row, typed on access (ClickHouse keeps them as Arrow columns until asked).
      const all = <T,>(rows: RowSet<T>) => Array.from({ length: rows.length }, (_, i) => rows.row(i));
      const serving = { profiles: all(loaded.profiles), openConversations: all(loaded.openConversations) };
      // Each row is found under its customer, and the customers are counted once each.
      for (const [rows, typed] of [[loaded.profiles, serving.profiles], [loaded.openConversations, serving.openConversations]] as const) {
        typed.forEach((row, index) => expect(rows.rowsOf(row.customer_id)).toContain(index));
        expect(rows.customers).toBe(new Set(typed.map((row) => row.customer_id)).size);
      }
      const searchedInPlace = [loaded.profiles, loaded.openConversations].map((rows) => ('searchedInPlace' in rows ? rows.searchedInPlace : null));
      const byId = <T extends { customer_id: string }>(rows: T[], key: (row: T) => string = (row) => row.customer_id) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
      const sprint = serving.openConversations.find((row) => row.customer_id === '115712')!;
      const staging = await openStaging(path.join(targets.home, `${target}-staging.duckdb`));
      let predictInput: Read['predictInput'];
      try {
        const { file, reader } = await exportFromStore(store, PREDICT_CONVERSATIONS, { platform: 'twitter' }, { dir: targets.home, name: `${target}-open` });
        predictInput = await staging.rows(
          `SELECT customer_id, ${RECENT_WORDS_AS_LIST} AS recent_words, typeof(${RECENT_WORDS_AS_LIST}) AS type FROM ${reader} ORDER BY conversation_id`,
          { file },
        );
      } finally {
        staging.close();
      }
      const predictions = byId(await store.latestPredictions(), (row) => row.conversation_id).map(({ run_id: _run, ...row }) => row);
      const servedChatLogs = new Map<string, string>();
      for (const row of predictions) servedChatLogs.set(row.conversation_id, await store.chatLog(row.conversation_id, 'twitter'));
      read.set(target, {
        predictInput,
        profiles: byId(serving.profiles),
        conversations: byId(serving.openConversations, (row) => row.conversation_id),
        predictions,
        servedChatLogs,
        reviews: await store.latestReviews(runId),
        chatLog: await store.chatLog(sprint.conversation_id, 'twitter'),
        mergesAfterLoad,
        searchedInPlace,
      });
    } finally {
      await store.close();
    }
  }
});

const on = (target: TargetName) => read.get(target)!;

describe("serve's load", () => {
  it('holds the embedded store merges only while it reads, so the store merges again once the customers are loaded', () => {
    expect(on('chdb').mergesAfterLoad).toBe(true);
  });

  it('gets the embedded store rows sorted by customer, so serve searches them in place instead of indexing each row', () => {
    expect(on('chdb').searchedInPlace).toEqual([true, true]);
    expect(on('postgres').searchedInPlace).toEqual([null, null]);
  });
});

describe('typed rows', () => {
  it('are identical on embedded ClickHouse and PostgreSQL', () => {
    const [clickhouse, postgres] = TARGET_NAMES.map(on);
    expect(clickhouse.profiles.length).toBe(40);
    expect(postgres.profiles).toEqual(clickhouse.profiles);
    expect(postgres.conversations).toEqual(clickhouse.conversations);
    expect(postgres.predictions).toEqual(clickhouse.predictions);
    expect(postgres.reviews).toEqual(clickhouse.reviews);
    expect(postgres.chatLog).toEqual(clickhouse.chatLog);
  });

  it("give serve the same chat log as predict's, which each store builds in its own SQL", () => {
    for (const target of TARGET_NAMES) {
      const { predictions, servedChatLogs } = on(target);
      expect(predictions.length, target).toBeGreaterThan(10);
      for (const row of predictions) expect(servedChatLogs.get(row.conversation_id), `${target} ${row.conversation_id}`).toBe(row.chat_log);
      expect(predictions.some((row) => row.chat_log.includes('\nAgent (')), target).toBe(true);
    }
  });

  it("hand predict the customer's recent words as a list from either store", () => {
    const [clickhouse, postgres] = TARGET_NAMES.map(on);
    expect(clickhouse.predictInput.length).toBe(clickhouse.conversations.length);
    expect(postgres.predictInput).toEqual(clickhouse.predictInput);
    expect(new Set(clickhouse.predictInput.map((row) => row.type))).toEqual(new Set(['VARCHAR[]']));
    expect(clickhouse.predictInput.find((row) => row.customer_id === '115712')!.recent_words).toEqual(expect.arrayContaining(['propose', 'responding']));
  });

  it("carry exactly the schema's columns, each of its type", () => {
    for (const target of TARGET_NAMES) {
      const { profiles, conversations, predictions, reviews, chatLog } = on(target);
      expect(Object.keys(conversations[0]), target).toEqual(CONVERSATIONS.columns.map((column) => column.name));
      expect(Object.keys(profiles[0]), target).toEqual(CUSTOMER_PROFILES.columns.map((column) => column.name));
      expect(Object.keys(predictions[0]), target).toEqual(NBA_PREDICTIONS.columns.map((column) => column.name).filter((name) => name !== 'run_id'));

      const sprint = conversations.find((row) => row.customer_id === '115712')!;
      expect(sprint, target).toMatchObject({ message_count: 7, customer_messages: 4, brand_asked_dm: true, brand_asked_email: false, escalation_terms: ['worst'], urgency_terms: [] });
      expect(sprint.as_of, target).toEqual(new Date('2017-11-01T15:54:37.000Z'));
      expect(sprint.started_at, target).toBeInstanceOf(Date);
      expect(sprint.resolution_signal, target).toBeNull();
      expect(sprint.recent_words, target).toEqual(expect.arrayContaining(['propose', 'responding']));

      const profile = profiles.find((row) => row.customer_id === '115712')!;
      expect(profile, target).toMatchObject({ conversations: 1, open_conversations: 1, total_interactions: 4, peak_hours: [21, 22], channels_accepted: [] });
      expect(profile.active_hours, target).toHaveLength(24);
      expect(profile.last_interaction_at, target).toBeInstanceOf(Date);

      const prediction = predictions.find((row) => row.customer_id === '115712')!;
      expect(prediction.fired, target).toMatchObject({ is_escalating: true, customer_messages: 4 });
      expect(prediction.send_time, target).toBeInstanceOf(Date);
      expect(prediction.as_of, target).toEqual(new Date('2017-11-01T15:54:37.000Z'));
      expect(typeof prediction.sentiment, target).toBe('number');

      expect(reviews, target).toEqual([{ conversation_id: 'c-unknown', decision: 'edited', channel: 'email_reply', message: 'Edited, with "quotes"\nand a new line', reason: '' }]);
      expect(chatLog.split('\n')[0], target).toBe('Customer: @sprintcare is the worst customer service');
    }
  });
});
