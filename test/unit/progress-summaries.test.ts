import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProcessSummary } from '../../src/conversations/summary.js';
import type { ProcessResult } from '../../src/conversations/process.js';
import type { PredictResult } from '../../src/decisions/predict.js';
import { formatPredictSummary } from '../../src/decisions/summary.js';
import { formatTrainSummary } from '../../src/decisions/train-summary.js';
import type { TrainResult } from '../../src/decisions/train.js';
import type { IngestResult } from '../../src/pipeline/ingest.js';
import { formatIngestSummary } from '../../src/pipeline/summary.js';
import { shortId, shownPath, withShownPaths, wrapLine } from '../../src/progress/summary-text.js';
import { emptyReasonCounts } from '../../src/quality/reasons.js';

const RUN_ID = '8761d3d0-53a0-467b-9477-f895c758e45f';
const here = (...parts: string[]) => path.join(process.cwd(), ...parts);

function expectFits(text: string): void {
  for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
}

describe('summary text', () => {
  it('shows a path under the current folder relative to it, and any other as given', () => {
    expect(shownPath(here('examples', 'twcs.csv'))).toBe(path.join('examples', 'twcs.csv'));
    expect(shownPath('/elsewhere/twcs.csv', '/work/main')).toBe('/elsewhere/twcs.csv');
    expect(shownPath('/work/main2/x.csv', '/work/main')).toBe('/work/main2/x.csv');
    expect(withShownPaths('embedded ClickHouse at /work/main/.riverline/clickhouse', '/work/main')).toBe('embedded ClickHouse at .riverline/clickhouse');
    expect(shortId(RUN_ID)).toBe('8761d3d0');
  });

  it('wraps a long line at spaces under a hanging indent, and keeps a line that fits as it is', () => {
    expect(wrapLine('  rows read:            121')).toBe('  rows read:            121');
    const wrapped = wrapLine(`  ${'word '.repeat(30).trim()}`).split('\n');
    expect(wrapped.length).toBeGreaterThan(1);
    for (const line of wrapped) expect(line.length).toBeLessThanOrEqual(80);
    expect(wrapped[1]).toMatch(/^ {4}word/);
  });
});

describe('the summaries fit 80 columns', () => {
  it('ingest: the file relative to here, the short run id, rejected reasons wrapped', () => {
    const result: IngestResult = {
      run_id: RUN_ID,
      target: 'chdb',
      target_description: `embedded ClickHouse at ${here('.riverline', 'clickhouse')}`,
      source_file: here('examples', 'twcs_sample.csv'),
      encoding: 'utf-8',
      reader: 'fast',
      reader_reasons: [],
      windows_1252_records: 0,
      nul_records_cleaned: 0,
      timestamp_window: { not_before: '2006-03-21', not_after: '2030-01-01' },
      rows_read: 150_000,
      rows_loaded: 149_990,
      rows_rejected: 10,
      rows_already_present: 0,
      rejected_by_reason: { ...emptyReasonCounts(), malformed_row: 4, unparseable_timestamp: 6 },
      batches: 1,
      newest_interaction: null,
      seconds: 12.3,
    };
    const text = formatIngestSummary(result);
    expectFits(text);
    expect(text.split('\n')[0]).toBe(`Ingested ${path.join('examples', 'twcs_sample.csv')} in 12.3s.`);
    expect(text).toMatch(/^  run: +8761d3d0$/m);
    expect(text).toContain(`at ${path.join('.riverline', 'clickhouse')}`);
    expect(text).not.toContain(RUN_ID);
  });

  it('process, train and predict', () => {
    const processed: ProcessResult = { engine: 'duckdb', target: 'chdb', conversations: 1_234_567, customers: 765_432, open_conversations: 234_567, resolved_conversations: 1_000_000, as_of: '2017-11-30T23:59:59.000Z', seconds: 123.4 };
    expectFits(formatProcessSummary(processed));
    const trained: TrainResult = {
      trained: true,
      model_id: '7a698279397c',
      trained_at: '2024-01-01T00:00:00.000Z',
      engine: 'duckdb',
      target: 'chdb',
      training_rows: 1_234_567,
      time_range: { from: '2017-10-31T19:51:00.000Z', to: '2017-11-01T13:42:19.000Z' },
      metrics: { brands: 108, propensity_features: 4_000, outcome_features: 5_000, holdout_rows: 123_456, holdout_propensity_agreement: 0.6, holdout_propensity_macro_f1: 0.58, holdout_majority_agreement: 0.8 },
      export: here('model.json'),
      seconds: 66.1,
    };
    const trainText = formatTrainSummary(trained);
    expectFits(trainText);
    expect(trainText).toContain('Wrote the model to model.json.');
    const predicted: PredictResult = {
      run_id: RUN_ID,
      target: 'chdb',
      predictions: 1_234_567,
      skipped_resolved: 12_345,
      by_channel: { no_action: 1_000_000, twitter_dm_reply: 234_567 },
      llm: { enhanced: 1_000, fallback: 20, off: 1_233_547, cached: 500, calls: 520, prompt_tokens: 1_234_567, completion_tokens: 234_567, cost_usd: 0.1234, model: 'gpt-4o-mini' },
      llm_notice: null,
      llm_fallback_reasons: { schema_mismatch: 12, timeout: 8 },
      rules: 'default',
      policy: 'learned',
      model_id: '7a698279397c',
      by_layer: { outcome: 1, propensity: 200_000, rules: 1_034_566 },
      as_of: '2017-11-30T23:59:59.000Z',
      out: here('out', 'nba_predictions.parquet'),
      format: 'parquet',
      seconds: 32.9,
    } as PredictResult;
    const predictText = formatPredictSummary(predicted);
    expectFits(predictText);
    expect(predictText.split('\n')[0]).toBe(`Wrote 1,234,567 predictions to ${path.join('out', 'nba_predictions.parquet')} in 32.9s.`);
    expect(predictText).toContain('  run 8761d3d0, as of 2017-11-30T23:59:59.000Z');
    expect(predictText).not.toContain(RUN_ID);
  });
});
