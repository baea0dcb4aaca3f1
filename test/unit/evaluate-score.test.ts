import { describe, expect, it } from 'vitest';
import { score } from '../../src/decisions/evaluate.js';
import { heldOf } from '../../src/decisions/evaluation.js';
import { CHANNELS, type Channel } from '../../src/decisions/rules.schema.js';

function confusion(entries: Array<[Channel, Channel, number]>): Record<Channel, Record<Channel, number>> {
  const table = Object.fromEntries(CHANNELS.map((a) => [a, Object.fromEntries(CHANNELS.map((p) => [p, 0]))])) as Record<Channel, Record<Channel, number>>;
  for (const [actual, predicted, n] of entries) table[actual][predicted] = n;
  return table;
}

describe('backtest scoring', () => {
  it('computes agreement, per-channel precision/recall and macro-F1 by hand', () => {
    // actual DM 8 (6 right, 2 called public), actual public 2 (1 right, 1 called DM)
    const result = score(confusion([
      ['twitter_dm_reply', 'twitter_dm_reply', 6],
      ['twitter_dm_reply', 'twitter_public_reply', 2],
      ['twitter_public_reply', 'twitter_public_reply', 1],
      ['twitter_public_reply', 'twitter_dm_reply', 1],
    ]));
    expect(result.agreement).toBe(0.7);
    expect(result.per_channel.twitter_dm_reply).toMatchObject({ precision: 0.8571, recall: 0.75, support: 8, predicted: 7 });
    expect(result.per_channel.twitter_public_reply).toMatchObject({ precision: 0.3333, recall: 0.5, support: 2, predicted: 3 });
    // F1: DM 0.8, public 0.4 -> macro 0.6
    expect(result.macro_f1).toBe(0.6);
  });

  it('scores the majority baseline the same way: always the most common channel', () => {
    const result = score(confusion([
      ['twitter_dm_reply', 'twitter_dm_reply', 6],
      ['twitter_dm_reply', 'twitter_public_reply', 2],
      ['twitter_public_reply', 'twitter_public_reply', 2],
    ]));
    expect(result.baseline_channel).toBe('twitter_dm_reply');
    expect(result.baseline_agreement).toBe(0.8);
    // DM: precision 0.8, recall 1 -> F1 0.8889; public: 0 -> macro 0.4444
    expect(result.baseline_macro_f1).toBe(0.4444);
  });
});

describe('replies held by the guard-rails', () => {
  it('are counted, and the agreement on the replies the policy acted on is given beside the overall one', () => {
    // 10 replies: 6 public (4 right, 2 held), 4 DM (3 right, 1 called public).
    const table = confusion([
      ['twitter_public_reply', 'twitter_public_reply', 4],
      ['twitter_public_reply', 'no_action', 2],
      ['twitter_dm_reply', 'twitter_dm_reply', 3],
      ['twitter_dm_reply', 'twitter_public_reply', 1],
    ]);
    expect(score(table).agreement).toBe(0.7);
    expect(heldOf(table)).toEqual({ held: 2, agreement_when_acting: 0.875 });
    expect(heldOf(confusion([['twitter_public_reply', 'no_action', 3]]))).toEqual({ held: 3, agreement_when_acting: null });
  });
});
