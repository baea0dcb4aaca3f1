// riverline train: the model is counts over the decision samples, the same with DuckDB and inside ClickHouse, the same
// on embedded ClickHouse and PostgreSQL, equal to a recount in TypeScript from the features' TypeScript definitions,
// and it moves as data (the models table, train --export, loadModelFile).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, KEPT_WORDS, WORD_PREFIX, contextFeatures, keptWords, outcomeFeatures, type Action, type LearnedModel } from '../../src/decisions/model.js';
import { latestModel, loadModelFile, writeModelFile } from '../../src/decisions/model-file.js';
import { buildDecisionSamples } from '../../src/decisions/samples.js';
import { train, trainModel } from '../../src/decisions/train.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { loadConfig } from '../../src/config/index.js';
import { openStaging, type Staging } from '../../src/staging/duckdb.js';
import { createStore, prepareStore, type Store } from '../../src/stores/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { TARGET_NAMES, useBothTargets } from '../helpers/targets.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const targets = useBothTargets('train');
const TRAINED_AT = new Date('2026-01-01T00:00:00.000Z');

/** A model without what differs between two trainings of the same data: the id, the engine, the time of training. */
const counts = ({ model_id: _id, engine: _engine, trained_at: _at, ...rest }: LearnedModel) => rest;

async function withStagingAndStore<T>(name: string, store: Store, work: (staging: Staging) => Promise<T>): Promise<T> {
  const staging = await openStaging(path.join(targets.home, `${name}.duckdb`));
  try {
    await prepareStore(store);
    const workDir = fs.mkdtempSync(path.join(targets.home, 'work-'));
    await buildDecisionSamples(staging, store, { platform: 'twitter', workDir });
    return await work(staging);
  } finally {
    staging.close();
    await store.close();
  }
}

beforeAll(async () => {
  for (const target of TARGET_NAMES) await ingest(targets.config(target), { file: SAMPLE });
});

describe('trainModel', () => {
  let viaDuckDB: LearnedModel;
  let viaClickHouse: LearnedModel;
  let recount: { propensity: Record<string, Record<string, number>>; outcome: Record<string, Record<string, number>>; rows: number };
  beforeAll(async () => {
    const store = createStore(targets.config('chdb'));
    await withStagingAndStore('engines', store, async (staging) => {
      viaDuckDB = await trainModel(staging, { engine: 'duckdb', trainedAt: TRAINED_AT });
      viaClickHouse = await trainModel(staging, { engine: 'clickhouse', sqlEngine: store.sqlEngine, trainedAt: TRAINED_AT });
      // The same counts from the TypeScript definitions of the features, one sample at a time.
      const rows = await staging.rows<Record<string, unknown>>('SELECT * FROM decision_samples');
      recount = { propensity: {}, outcome: {}, rows: rows.length };
      const add = (table: Record<string, Record<string, number>>, feature: string, cls: string) => {
        table[feature] ??= {};
        table[feature][cls] = (table[feature][cls] ?? 0) + 1;
      };
      for (const row of rows) {
        const number = (value: unknown) => (value === null ? null : Number(value));
        const context = contextFeatures({
          brand: row.brand as string | null,
          topic: row.topic as string | null,
          message_count: number(row.message_count),
          brand_messages: number(row.brand_messages),
          hours_since_last_customer_message: number(row.hours_since_last_customer_message),
          brand_asked_dm: row.brand_asked_dm as boolean,
          brand_asked_email: row.brand_asked_email as boolean,
          brand_asked_phone: row.brand_asked_phone as boolean,
          customer_moved_to_dm: row.customer_moved_to_dm as boolean,
          is_urgent: row.is_urgent as boolean,
          is_escalating: row.is_escalating as boolean,
          recent_words: row.recent_words as string[],
        });
        for (const feature of context) add(recount.propensity, feature, String(row.action));
        for (const feature of outcomeFeatures(context, row.action as Action)) add(recount.outcome, feature, row.resolved ? 'resolved' : 'not_resolved');
      }
    });
  });

  it('counts every brand reply of the sample by the channel it steered to and by what followed', () => {
    expect(viaDuckDB.training_rows).toBe(55);
    expect(ACTIONS.reduce((sum, action) => sum + viaDuckDB.propensity.priors[action], 0)).toBe(55);
    expect(viaDuckDB.propensity.priors.twitter_public_reply).toBe(45);
    expect(viaDuckDB.outcome.priors.resolved + viaDuckDB.outcome.priors.not_resolved).toBe(55);
    expect(viaDuckDB.metrics['outcome_resolved'] + viaDuckDB.metrics['outcome_escalated'] + viaDuckDB.metrics['outcome_silent']).toBe(55);
    expect(Object.values(viaDuckDB.evidence).reduce((sum, brand) => sum + brand.samples, 0)).toBe(55);
    expect(viaDuckDB.time_range.from! < viaDuckDB.time_range.to!).toBe(true);
    expect(viaDuckDB.model_id).toMatch(/^[0-9a-f]{12}$/);
  });

  it('gives the counts a recount from the TypeScript feature definitions gives, keeping the most informative words', () => {
    const without = (table: Record<string, Record<string, number>>, keep: (feature: string) => boolean) =>
      Object.fromEntries(Object.entries(table).filter(([feature]) => !feature.startsWith(WORD_PREFIX) || keep(feature)));
    const kept = keptWords(recount.propensity, viaDuckDB.propensity.priors);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(KEPT_WORDS);
    expect(kept.every((word) => !/^word=[0-9]+$/.test(word))).toBe(true);
    expect(viaDuckDB.propensity.counts).toEqual(without(recount.propensity, (word) => kept.includes(word)));
    // The outcome model keeps no words.
    expect(viaDuckDB.outcome.counts).toEqual(without(recount.outcome, () => false));
    expect(Object.keys(recount.propensity).filter((feature) => feature.startsWith(WORD_PREFIX)).length).toBeGreaterThan(kept.length);
  });

  it('gives the identical model inside ClickHouse', () => {
    expect(viaClickHouse.engine).toBe('clickhouse');
    expect(counts(viaClickHouse)).toEqual(counts(viaDuckDB));
    expect(JSON.stringify(viaClickHouse.propensity)).toBe(JSON.stringify(viaDuckDB.propensity));
  });

  it('trains only on the samples before `until`', async () => {
    const store = createStore(targets.config('chdb'));
    const until = new Date('2017-11-01T00:00:00Z');
    await withStagingAndStore('until', store, async (staging) => {
      const [{ n }] = await staging.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM decision_samples WHERE ts < $until::TIMESTAMPTZ', { until: until.toISOString() });
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(55);
      for (const engine of ['duckdb', 'clickhouse'] as const) {
        const model = await trainModel(staging, { engine, until, sqlEngine: store.sqlEngine });
        expect(model.training_rows, engine).toBe(n);
        expect(model.time_range.to! < until.toISOString(), engine).toBe(true);
      }
    });
  });
});

describe('riverline train', () => {
  let chdbModel: LearnedModel;
  const file = path.join(targets.home, 'model.json');

  it('trains on embedded ClickHouse, saves the model and exports it', async () => {
    const result = await runCli(['train', '--home', targets.home, '--db', 'chdb', '--export', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ trained: true, engine: 'duckdb', training_rows: 55, export: file });
    // The latest tenth held out: 5 replies (or more, on a shared timestamp), scored by a model trained on the rest.
    expect(summary.metrics['holdout_rows']).toBeGreaterThanOrEqual(5);
    for (const figure of ['holdout_propensity_agreement', 'holdout_propensity_macro_f1', 'holdout_majority_agreement']) {
      expect(summary.metrics[figure], figure).toBeGreaterThanOrEqual(0);
      expect(summary.metrics[figure], figure).toBeLessThanOrEqual(1);
    }
    expect(summary.metrics['holdout_majority_agreement']).toBeGreaterThan(0);
    const store = createStore(targets.config('chdb'));
    try {
      chdbModel = await loadModelFile(summary.model_id, store);
      expect(await loadModelFile(file, store)).toEqual(chdbModel);
      expect(await latestModel(store)).toEqual(chdbModel);
      const row = await store.loadModel(summary.model_id);
      expect(row).toMatchObject({ model_id: summary.model_id, training_rows: 55, metrics: summary.metrics });
      expect(row!.trained_at).toEqual(new Date(summary.trained_at));
    } finally {
      await store.close();
    }
  });

  it('trains on PostgreSQL to the same counts', async () => {
    const result = await train(targets.config('postgres'));
    expect(result).toMatchObject({ trained: true, target: 'postgres', training_rows: 55 });
    const store = createStore(targets.config('postgres'));
    try {
      const model = await loadModelFile(result.model_id, store);
      expect(counts(model)).toEqual(counts(chdbModel));
      expect(model.time_range).toEqual(chdbModel.time_range);
    } finally {
      await store.close();
    }
  });

  it('shows the models in explore, on both targets', async () => {
    for (const target of TARGET_NAMES) {
      const env: Record<string, string> = target === 'postgres' ? { DATABASE_URL: targets.db().url } : {};
      const home = target === 'postgres' ? path.join(targets.home, 'pg') : targets.home;
      const result = await runCli(['explore', '--home', home, '--db', target, '--query', 'SELECT model_id, training_rows FROM models', '--json'], env);
      expect(result.code, result.stderr).toBe(0);
      const { rows } = JSON.parse(result.stdout) as { rows: Array<{ model_id: string; training_rows: unknown }> };
      expect(rows.length, target).toBe(1);
      expect(Number(rows[0].training_rows), target).toBe(55);
    }
  });

  it('says there is nothing to learn from when no brand ever replied', async () => {
    const home = path.join(targets.home, 'no-replies');
    const file = path.join(targets.home, 'no-replies.csv');
    fs.writeFileSync(
      file,
      'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n' +
        '1,c1,True,Mon Oct 02 10:00:00 +0000 2017,@AcmeHelp my bill is wrong,,\n2,c2,True,Mon Oct 02 11:00:00 +0000 2017,@AcmeHelp hello?,,\n',
    );
    expect((await runCli(['ingest', file, '--home', home, '--db', 'chdb', '--json'])).code).toBe(0);
    const result = await runCli(['train', '--home', home, '--db', 'chdb', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'file_empty', message: expect.stringMatching(/no brand reply to learn from/) });
  });

  it('with --engine clickhouse on PostgreSQL, says to use duckdb, in one sentence', async () => {
    await expect(train(targets.config('postgres'), { engine: 'clickhouse' })).rejects.toThrow(/--engine clickhouse .* use --engine duckdb with PostgreSQL/);
  });

  it('moves a model to another store as a file, and refuses what is not a model', async () => {
    const store = createStore(targets.config('postgres'));
    try {
      // The chdb model, read on PostgreSQL from its file: a model trained elsewhere runs here.
      expect(await loadModelFile(file, store)).toEqual(chdbModel);
      const copy = path.join(targets.home, 'copy.json');
      writeModelFile(copy, chdbModel);
      expect(await loadModelFile(copy, store)).toEqual(chdbModel);
      const broken = path.join(targets.home, 'broken.json');
      fs.writeFileSync(broken, JSON.stringify({ ...chdbModel, format: 'something-else' }));
      await expect(loadModelFile(broken, store)).rejects.toThrow(/is not a Riverline model \(riverline-model\/1\): format/);
      await expect(loadModelFile('no-such-model', store)).rejects.toThrow(/no model file or stored model named no-such-model/);
      await expect(loadModelFile(path.join(targets.home, 'missing.json'), store)).rejects.toThrow(/no model file/);
    } finally {
      await store.close();
    }
  });
});

describe('riverline run', () => {
  it('trains when the store holds no model, and keeps the model on the next run', async () => {
    const home = path.join(targets.home, 'run');
    const out = path.join(targets.home, 'run.csv');
    const first = await runCli(['run', SAMPLE, '--home', home, '--db', 'chdb', '--out', out, '--json', '--verbose']);
    expect(first.code, first.stderr).toBe(0);
    const trained = JSON.parse(first.stdout).train;
    expect(trained).toMatchObject({ trained: true, training_rows: 55 });
    // train read the interactions process had read (one export in the whole run), and the hand-over is gone.
    expect(first.stderr.match(/exporting process input/g)).toHaveLength(1);
    expect(fs.existsSync(path.join(home, 'run'))).toBe(false);
    // ... and learned what train alone learns from the store's own export.
    const alone = await runCli(['train', '--home', home, '--db', 'chdb', '--json', '--verbose']);
    expect(alone.code, alone.stderr).toBe(0);
    const aloneId = JSON.parse(alone.stdout).model_id as string;
    expect(alone.stderr.match(/exporting process input/g)).toHaveLength(1);
    const store = createStore(loadConfig({}, { home, db: 'chdb' }));
    try {
      const [viaRun, viaTrain] = [await loadModelFile(trained.model_id, store), await loadModelFile(aloneId, store)];
      expect(viaTrain.model_id).not.toBe(viaRun.model_id);
      expect(counts(viaRun)).toEqual(counts(viaTrain));
    } finally {
      await store.close();
    }
    const second = await runCli(['run', SAMPLE, '--home', home, '--db', 'chdb', '--out', out, '--json']);
    expect(second.code, second.stderr).toBe(0);
    // The latest model (train's, above) stays; nothing is trained again.
    expect(JSON.parse(second.stdout).train).toMatchObject({ trained: false, model_id: aloneId });
  });
});
