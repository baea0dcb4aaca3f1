// A small hand-made learned model over the sample's brands, for tests of the policies end to end: ChipotleTweets has
// enough evidence for the outcome model, VerizonSupport only for the propensity model, every other brand none (the
// propensity model, pooled over brands, still decides for them). In it a DM resolves far more often than a public
// reply, agents mostly reply in public, and on topic "other" the model has seen both resolve often enough to compare.
// Brands are in lower case, as the model keys them.
import fs from 'node:fs';
import type { LearnedModel, NaiveBayes } from '../../src/decisions/model.js';

/** A naive Bayes count table from per-class rows: counts[feature][i] is the count for classes[i]. */
export const nb = (classes: string[], priors: number[], counts: Record<string, number[]>): NaiveBayes => ({
  classes,
  priors: Object.fromEntries(classes.map((cls, i) => [cls, priors[i]])),
  totals: Object.fromEntries(classes.map((cls, i) => [cls, Object.values(counts).reduce((sum, row) => sum + row[i], 0)])),
  counts: Object.fromEntries(Object.entries(counts).map(([feature, row]) => [feature, Object.fromEntries(classes.map((cls, i) => [cls, row[i]]))])),
  vocabulary: Object.keys(counts).length,
  alpha: 1,
});

export function sampleModel(): LearnedModel {
  return {
    format: 'riverline-model/1',
    model_id: 'model-sample-test',
    trained_at: '2017-10-31T00:00:00.000Z',
    engine: 'duckdb',
    training_rows: 90,
    time_range: { from: '2017-10-01T00:00:00.000Z', to: '2017-10-31T00:00:00.000Z' },
    metrics: {},
    // columns: public, dm, email, phone
    propensity: nb(['twitter_public_reply', 'twitter_dm_reply', 'email_reply', 'scheduling_phone_call'], [55, 25, 6, 4], {
      'brand=chipotletweets': [35, 10, 3, 2],
      'brand=verizonsupport': [8, 10, 1, 1],
      'topic=other': [20, 8, 2, 1],
      'topic=delivery': [6, 6, 1, 0],
      'brand_messages<1': [40, 5, 1, 1],
      'brand_messages<2': [10, 10, 2, 1],
      escalating: [3, 3, 1, 3],
      'word=order': [5, 4, 1, 0],
      'word=help': [4, 6, 1, 1],
    }),
    // columns: resolved, not_resolved
    outcome: nb(['resolved', 'not_resolved'], [35, 55], {
      'brand=chipotletweets': [22, 28],
      'brand=verizonsupport': [8, 12],
      'action=twitter_public_reply': [12, 43],
      'action=twitter_dm_reply': [18, 7],
      'action=email_reply': [3, 3],
      'action=scheduling_phone_call': [2, 2],
      'action=twitter_dm_reply|brand=chipotletweets': [8, 2],
      'action=twitter_public_reply|topic=other': [10, 30],
      'action=twitter_dm_reply|topic=other': [12, 3],
      'topic=other': [14, 17],
      'brand_messages<1': [20, 27],
    }),
    evidence: { chipotletweets: { samples: 50, resolved: 22 }, verizonsupport: { samples: 20, resolved: 8 } },
  };
}

/** Writes the sample model to a file, as `train --export` would. */
export function writeSampleModel(file: string): LearnedModel {
  const model = sampleModel();
  fs.writeFileSync(file, JSON.stringify(model, null, 2));
  return model;
}
