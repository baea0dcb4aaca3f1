import { describe, expect, it } from 'vitest';
import type { DecisionFeatures } from '../../src/decisions/fields.js';
import { ACTIONS, categoricalReader, estimatorFeatures, type Action, type LearnedModel } from '../../src/decisions/model.js';
import { nb } from '../helpers/model.js';
import { replayDecisions, type ReplayedRow, type ReplayedSample } from '../../src/decisions/evaluation.js';
import { modelContext } from '../../src/decisions/policy.js';
import { defaultRulesPath } from '../../src/decisions/rules-file.js';
import { loadRuleSet } from '../../src/decisions/rules.schema.js';

const rules = loadRuleSet(defaultRulesPath());

// Agents mostly reply in public, more often in DM on billing; a DM resolves billing far more often.
const model: LearnedModel = {
  format: 'riverline-model/1',
  model_id: 'm-replay',
  trained_at: '2026-11-26T00:00:00.000Z',
  engine: 'duckdb',
  training_rows: 200,
  time_range: { from: null, to: null },
  metrics: {},
  propensity: nb([...ACTIONS], [120, 60, 10, 10], { 'topic=billing': [20, 40, 3, 2], 'topic=delivery': [100, 20, 7, 8], 'brand=Acme': [120, 60, 10, 10] }),
  outcome: nb(['resolved', 'not_resolved'], [80, 120], {
    'action=twitter_public_reply': [30, 90],
    'action=twitter_dm_reply': [45, 15],
    'action=twitter_dm_reply|topic=billing': [30, 5],
    'action=twitter_public_reply|topic=billing': [3, 20],
    'brand=Acme': [80, 120],
  }),
  evidence: { Acme: { samples: 200, resolved: 80 } },
};

function sample(i: number, topic: string, action: Action, outcome: ReplayedSample['outcome']): ReplayedSample {
  const features: DecisionFeatures = {
    message_count: 1, customer_messages: 1, brand_messages: 0, turns: 1, last_speaker: 'customer', awaiting_reply_from: 'brand',
    first_response_minutes: null, median_response_minutes: null, hours_since_last_customer_message: 1, customer_sentiment_start: -0.3,
    customer_sentiment_end: -0.3, sentiment_trend: 0, topic, brand_asked_dm: false, brand_asked_email: false, brand_asked_phone: false,
    is_urgent: false, is_escalating: false, customer_moved_to_dm: false, customer_conversations: 1, customer_resolution_rate: 0,
  };
  return { external_id: String(i), customer_id: `c${i}`, brand: 'Acme', action, outcome, features, context: modelContext(features, 'Acme', [topic === 'billing' ? 'bill' : 'parcel']) };
}

const samples: ReplayedSample[] = [
  sample(1, 'billing', 'twitter_dm_reply', 'resolved'),
  sample(2, 'billing', 'twitter_public_reply', 'escalated'),
  sample(3, 'billing', 'twitter_dm_reply', 'silent'),
  sample(4, 'delivery', 'twitter_public_reply', 'resolved'),
  sample(5, 'delivery', 'twitter_public_reply', 'silent'),
  sample(6, 'delivery', 'email_reply', 'resolved'),
];

describe('replaying the test part under each policy', () => {
  const rows: ReplayedRow[] = [];
  const scores = replayDecisions(samples, rules, model, { onRow: (row) => rows.push(row) });

  it('scores every policy on every sample, against the majority baseline of the actual channels', () => {
    expect(scores.samples).toBe(6);
    expect(scores.baseline).toMatchObject({ channel: 'twitter_public_reply', agreement: 0.5 });
    for (const policy of ['rules', 'imitate', 'learned'] as const) {
      const total = Object.values(scores.policies[policy].confusion).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0);
      expect(total).toBe(6);
      const layers = scores.policies[policy].layers;
      expect(layers.outcome + layers.propensity + layers.rules).toBe(6);
    }
    expect(scores.logged_resolution_rate).toBe(0.5);
  });

  it('writes one row per sample with the propensity model\'s probability of what the agent did', () => {
    expect(rows.map((row) => row.external_id)).toEqual(['1', '2', '3', '4', '5', '6']);
    const expected = categoricalReader(model.propensity)(estimatorFeatures(samples[5].context)).email_reply;
    expect(rows[5].logged_propensity).toBeCloseTo(expected, 4);
    expect(rows[0].policies.learned.channel).toBe('twitter_dm_reply');
  });

  it('estimates IPS from the policy\'s matches with the logged action, weighted by 1 / propensity', () => {
    // IPS = mean over samples of 1[policy chose the logged action] * resolved / P_b(logged action).
    const manual = rows.reduce((sum, row, i) => {
      const matched = row.policies.learned.channel === row.actual_channel;
      const reward = samples[i].outcome === 'resolved' ? 1 : 0;
      return sum + (matched ? reward / Math.max(row.logged_propensity, 0.01) : 0);
    }, 0) / rows.length;
    expect(scores.off_policy.learned.ips).toBeCloseTo(manual, 2);
    const { ci95, dr } = scores.off_policy.learned;
    expect(ci95.ips[0]).toBeLessThanOrEqual(ci95.ips[1]);
    expect(dr).not.toBeNull();
  });
});

describe('the calibrated reading of a count table (categoricalReader)', () => {
  // 100 replies: 80 public, 20 e-mail; brand Acme on all; 'urgent' on 18 of the e-mails and 8 of the public replies;
  // the kept words 'refund' on half of each class, 'please' on all.
  const table = nb(['twitter_public_reply', 'email_reply'], [80, 20], {
    'brand=Acme': [80, 20],
    urgent: [8, 18],
    'word=refund': [40, 10],
    'word=please': [80, 20],
  });
  const read = categoricalReader(table);

  it('gives a feature that every reply shares no weight, so the class shares stand', () => {
    const p = read(['brand=Acme', 'word=please']);
    // Prior (20+1)/(100+2); Acme's and please's share (n+1)/(n+2) per class; 'urgent' and 'refund' absent: (n - k + 1)/(n + 2).
    const email = (21 / 102) * (21 / 22) * (3 / 22) * (11 / 22) * (21 / 22);
    const pub = (81 / 102) * (81 / 82) * (73 / 82) * (41 / 82) * (81 / 82);
    expect(p.email_reply).toBeCloseTo(email / (email + pub), 10);
  });

  it('reads a flag and a kept word as evidence both ways, present and absent', () => {
    expect(read(['brand=Acme', 'urgent', 'word=please']).email_reply).toBeGreaterThan(0.5);
    expect(read(['brand=Acme', 'word=please']).email_reply).toBeLessThan(0.05);
    expect(read(['brand=Acme', 'word=please', 'word=refund']).email_reply).toBeCloseTo(read(['brand=Acme', 'word=please']).email_reply, 10);
    // Every e-mail and every public reply said please: its absence is (slightly) more e-mail-like, (0+1)/(20+2) against (0+1)/(80+2).
    expect(read(['brand=Acme']).email_reply).toBeGreaterThan(read(['brand=Acme', 'word=please']).email_reply);
  });

  it('ignores features never seen in training; the estimators read no words', () => {
    expect(read(['brand=Acme', 'urgent', 'word=never', 'brand=Unknown'])).toEqual(read(['brand=Acme', 'urgent']));
    expect(estimatorFeatures(samples[0].context).some((feature) => feature.startsWith('word='))).toBe(false);
  });
});
