// process --engine clickhouse: the steps of clickhouse.sql.ts run inside the ClickHouse target (through the store's
// SQL engine), set-based, with work tables dropped at the end (and at the start, after a killed run).
import type { StageTracker } from '../progress/stage-tracker.js';
import type { SqlEngine } from '../stores/index.js';
import { lexiconTerms, loadLexicon } from '../model/lexicon.js';
import { OUTPUT_TABLES } from '../model/schema.js';
import * as ch from './clickhouse.sql.js';
import type { Summary } from './engine.js';

export interface EngineContext {
  platform: string;
  asOf: Date;
  tracker: StageTracker;
  maxPointerSteps: number;
  windowHours: number;
}

export async function processInClickHouse(engine: SqlEngine, context: EngineContext): Promise<Summary> {
  const { tracker, platform } = context;
  const lexicon = loadLexicon();
  const params = { platform, as_of: context.asOf, window_hours: context.windowHours };
  // The work tables live in memory: each is dropped as soon as the last statement that reads it has run.
  const run = async (query: string) => {
    await engine.execute(query, params, ch.SETTINGS);
    for (const table of ch.LAST_READ_BY.get(query) ?? []) await engine.execute(ch.dropWorkTable(table));
  };
  const dropWork = async () => {
    for (const table of ch.WORK_TABLES) await engine.execute(ch.dropWorkTable(table));
  };
  await dropWork();
  try {
    tracker.start('export');
    await engine.execute(ch.CREATE_TWEETS, { ...params, terms: lexiconTerms(lexicon) }, ch.SETTINGS);
    await run(ch.CREATE_LEXICON);
    await engine.insertRows('process_lexicon', lexicon);

    tracker.start('threads');
    await run(ch.CREATE_POINTERS);
    for (const [step, left] of [
      [ch.STEP_ROOTS, ch.COUNT_ROOTS_LEFT],
      [ch.STEP_ANCHORS, ch.COUNT_ANCHORS_LEFT],
    ]) {
      for (let i = 0; i < context.maxPointerSteps; i++) {
        const [{ n }] = await engine.select<{ n: string }>(left);
        if (Number(n) === 0) break;
        await run(step);
        for (const statement of ch.ADVANCE_POINTERS) await run(statement);
      }
    }
    for (const statement of [ch.CREATE_ORDER, ch.CREATE_MESSAGES, ch.CREATE_CUSTOMER_TWEETS]) await run(statement);

    tracker.start('features');
    for (const statement of ch.FEATURE_STATEMENTS) await run(statement);

    tracker.start('profiles');
    await run(ch.CREATE_PROFILES);
    const [counts] = await engine.select<Record<keyof Omit<Summary, 'as_of'>, string>>(ch.SUMMARY);
    tracker.update('profiles', Number(counts.customers));

    tracker.start('write');
    await engine.replaceWith(
      OUTPUT_TABLES.map((table) => ({ table })),
      ({ table }, next) => engine.execute(ch.insertOutputFromWorkTable(table.columns.map((column) => column.name), next, `${table.name}_out`), {}, ch.OUTPUT_INSERT_SETTINGS),
    );
    tracker.update('write', Number(counts.conversations));
    return {
      conversations: Number(counts.conversations),
      customers: Number(counts.customers),
      open_conversations: Number(counts.open_conversations),
      resolved_conversations: Number(counts.resolved_conversations),
      as_of: context.asOf.toISOString(),
    };
  } finally {
    await dropWork().catch(() => {});
  }
}
