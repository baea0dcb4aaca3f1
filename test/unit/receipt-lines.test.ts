import { describe, expect, it } from 'vitest';
import { receiptLines } from '../../src/tui/receipt-lines.js';

describe('receipt lines for the review screen', () => {
  it('says the policy and layer, a table of each action’s numbers, the features and one line per guard-rail', () => {
    const lines = receiptLines(
      JSON.stringify({
        policy: 'learned',
        model_id: 'm-1',
        layer: 'propensity',
        actions: [
          { action: 'twitter_public_reply', eligible: true, propensity: 0.2, expected_value: 0.13 },
          { action: 'twitter_dm_reply', eligible: true, propensity: 0.46, expected_value: 0.54 },
          { action: 'email_reply', eligible: false, propensity: 0.12, expected_value: null },
          { action: 'scheduling_phone_call', eligible: true, propensity: 0.22, expected_value: -0.07 },
        ],
        top_features: [
          { feature: 'escalating', contribution: -1.3182 },
          { feature: 'brand=VerizonSupport', contribution: 0.3865 },
        ],
        guard_rails: ['not allowed here: email_reply', 'outcome model: 20 samples for brand VerizonSupport < 30'],
      }),
    );
    expect(lines).toEqual([
      'Policy learned (model m-1), decided by the propensity model',
      '  action  propensity  expected value',
      '  public        0.20            0.13',
      '  DM            0.46            0.54',
      '  email   not allowed',
      '  call          0.22           -0.07',
      'Moved by: escalating -1.32, brand=VerizonSupport +0.39',
      'Guard-rail: not allowed here: email_reply',
      'Guard-rail: outcome model: 20 samples for brand VerizonSupport < 30',
    ]);
  });

  it('a rules decision has no numbers to show; an old or unreadable receipt shows nothing', () => {
    const rules = receiptLines(JSON.stringify({ policy: 'rules', model_id: null, layer: 'rules', actions: [{ action: 'email_reply', eligible: true, propensity: null, expected_value: null }], top_features: [], guard_rails: [] }));
    expect(rules).toEqual(['Policy rules, decided by the rules']);
    expect(receiptLines('{}')).toEqual([]);
    expect(receiptLines('')).toEqual([]);
    expect(receiptLines(undefined)).toEqual([]);
    expect(receiptLines('{not json')).toEqual([]);
  });
});
