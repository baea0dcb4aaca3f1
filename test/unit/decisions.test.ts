import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchRule } from '../../src/decisions/decide.js';
import { featureReader, featuresOfDuckDbRow, rowReader, type DecisionFeatures } from '../../src/decisions/fields.js';
import { defaultRulesPath } from '../../src/decisions/rules-file.js';
import { loadRuleSet, parseRuleSet } from '../../src/decisions/rules.schema.js';
import { computeSendTime, inQuietHours } from '../../src/decisions/send-time.js';
import { templateMessage, templateReasoning } from '../../src/decisions/templates.js';
import { UserError } from '../../src/errors.js';

const rules = loadRuleSet(defaultRulesPath());

function features(overrides: Partial<DecisionFeatures> = {}): DecisionFeatures {
  return {
    message_count: 2,
    customer_messages: 1,
    brand_messages: 1,
    turns: 2,
    last_speaker: 'customer',
    awaiting_reply_from: 'brand',
    first_response_minutes: 5,
    median_response_minutes: 5,
    hours_since_last_customer_message: 2,
    customer_sentiment_start: -0.4,
    customer_sentiment_end: -0.4,
    sentiment_trend: 0,
    topic: 'billing',
    brand_asked_dm: false,
    brand_asked_email: false,
    brand_asked_phone: false,
    is_urgent: false,
    is_escalating: false,
    customer_moved_to_dm: false,
    customer_conversations: 1,
    customer_resolution_rate: 0,
    ...overrides,
  };
}

describe('the default rules', () => {
  const cases: Array<[string, Partial<DecisionFeatures>, string, string]> = [
    ['a long conversation goes to the phone', { message_count: 10 }, 'escalate_to_phone', 'scheduling_phone_call'],
    ['an escalating customer with four messages goes to the phone', { is_escalating: true, customer_messages: 4, message_count: 7 }, 'escalate_to_phone', 'scheduling_phone_call'],
    ['an escalating customer with three messages is not called yet', { is_escalating: true, customer_messages: 3, message_count: 5 }, 'active_dm_reply', 'twitter_dm_reply'],
    ['praise needs no action', { topic: 'praise', customer_sentiment_end: 0.6 }, 'thanks_no_action', 'no_action'],
    ['a customer who moved to DM when asked is answered there', { brand_asked_dm: true, customer_moved_to_dm: true }, 'continue_in_dm', 'twitter_dm_reply'],
    ['a dormant issue where the customer spoke last gets an e-mail', { hours_since_last_customer_message: 60 }, 'dormant_email_follow_up', 'email_reply'],
    ['a public complaint with no brand reply gets a public reply', { brand_messages: 0, message_count: 1 }, 'public_first_reply', 'twitter_public_reply'],
    ['an active customer awaiting the brand gets a DM', {}, 'active_dm_reply', 'twitter_dm_reply'],
    ['a customer silent for three days gets a check-in', { awaiting_reply_from: 'customer', hours_since_last_customer_message: 80 }, 'nudge_silent_customer', 'twitter_dm_reply'],
    ['the brand waits while the customer has the ball', { awaiting_reply_from: 'customer', hours_since_last_customer_message: 5 }, 'wait_for_customer', 'no_action'],
  ];
  for (const [behaviour, overrides, ruleId, channel] of cases) {
    it(behaviour, () => {
      expect(matchRule(features(overrides), rules)).toMatchObject({ rule_id: ruleId, channel });
    });
  }

  it('names the feature values that made the rule fire', () => {
    expect(matchRule(features({ hours_since_last_customer_message: 60 }), rules).fired).toEqual({ awaiting_reply_from: 'brand', hours_since_last_customer_message: 60 });
  });

  it('treats a missing value as not matching, as SQL does', () => {
    const custom = parseRuleSet(
      JSON.stringify({ ...rules, rules: [{ id: 'slow', description: 'slow brand', priority: 1, when: { field: 'first_response_minutes', op: '>', value: 60 }, channel: 'email_reply', timing: 'soon', issue_status: 'awaiting_agent' }] }),
      'inline',
    );
    expect(matchRule(features({ first_response_minutes: null }), custom).rule_id).toBe('no_rule_matched');
  });
});

describe('rule files', () => {
  function problems(set: unknown): string {
    try {
      parseRuleSet(JSON.stringify(set), 'rules.json');
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return (error as Error).message;
    }
    throw new Error('expected the rule set to be refused');
  }
  const base = JSON.parse(fs.readFileSync(defaultRulesPath(), 'utf8'));
  const rule = base.rules[0];

  it('refuses an unknown field, naming the fields it knows', () => {
    expect(problems({ ...base, rules: [{ ...rule, when: { field: 'mood', op: '=', value: 'bad' } }] })).toMatch(/rules\[0\]\.when.*expected one of message_count/);
  });
  it('refuses a value of the wrong type and an unknown channel', () => {
    expect(problems({ ...base, rules: [{ ...rule, when: { field: 'topic', op: '>', value: 3 } }] })).toMatch(/topic is a text field/);
    expect(problems({ ...base, rules: [{ ...rule, channel: 'carrier_pigeon' }] })).toMatch(/rules\[0\]\.channel/);
  });
  it('refuses duplicate rule ids and text that is not JSON', () => {
    expect(problems({ ...base, rules: [rule, rule] })).toMatch(/rule id escalate_to_phone appears twice/);
    expect(() => parseRuleSet('{ nope', 'rules.json')).toThrow(/not valid JSON/);
  });
});

describe('send time', () => {
  const asOf = new Date('2017-11-01T15:54:37Z');
  const quietHours = { start: 23, end: 7 };
  it('sends urgent actions within 15 minutes of the as-of time', () => {
    expect(computeSendTime({ asOf, timing: 'urgent', peakHours: [], quietHours })?.toISOString()).toBe('2017-11-01T16:09:37.000Z');
  });
  it("goes to the customer's next peak hour", () => {
    expect(computeSendTime({ asOf, timing: 'active_hours', peakHours: [21, 9], quietHours })?.toISOString()).toBe('2017-11-01T21:00:00.000Z');
    expect(computeSendTime({ asOf, timing: 'active_hours', peakHours: [9], quietHours })?.toISOString()).toBe('2017-11-02T09:00:00.000Z');
  });
  it('waits out the quiet hours for anything but urgent actions', () => {
    const late = new Date('2017-11-01T22:30:00Z');
    expect(computeSendTime({ asOf: late, timing: 'soon', peakHours: [], quietHours })?.toISOString()).toBe('2017-11-02T07:00:00.000Z');
    // The only peak hour is quiet, and 15 minutes from 22:50 falls in the quiet hours too.
    expect(computeSendTime({ asOf: new Date('2017-11-01T22:50:00Z'), timing: 'active_hours', peakHours: [2], quietHours })?.toISOString()).toBe('2017-11-02T07:00:00.000Z');
    expect(inQuietHours(23, quietHours) && inQuietHours(6, quietHours) && !inQuietHours(7, quietHours)).toBe(true);
  });
  it('has no send time for no action', () => {
    expect(computeSendTime({ asOf, timing: 'none', peakHours: [10], quietHours })).toBeNull();
  });
});

describe('templates', () => {
  const input = {
    customer_id: '115712',
    brand: 'sprintcare',
    channel: 'twitter_public_reply' as const,
    rule_id: 'public_first_reply',
    rule_description: 'A public complaint no brand has answered',
    fired: { brand_messages: 0, customer_sentiment_end: -0.61237 },
    topic: 'connectivity',
    customer_sentiment_end: -0.6,
    send_time: new Date('2017-11-01T16:09:37Z'),
  };
  it('writes a message that addresses the customer, the topic and the mood', () => {
    expect(templateMessage(input)).toBe("@115712 We're really sorry about the trouble with your connection. We want to sort this out: please send us a DM with the details and we'll take it from there.");
    expect(templateMessage({ ...input, channel: 'no_action' })).toBe('');
  });
  it('explains the rule, the evidence and the send time', () => {
    expect(templateReasoning(input)).toBe(
      'Rule public_first_reply fired (A public complaint no brand has answered) on brand_messages=0, customer_sentiment_end=-0.61; topic connectivity. Send at 2017-11-01T16:09:37.000Z.',
    );
  });
});

describe("the compose workers' compiled readers", () => {
  // A row as DuckDB hands it over: BIGINT as text, a NULL, a boolean, and columns that are no decision field.
  const row: Record<string, unknown> = {
    conversation_id: 'c1',
    message_count: '7',
    customer_messages: 4,
    first_response_minutes: null,
    last_speaker: 'customer',
    topic: 'refund',
    is_escalating: true,
    brand_asked_dm: false,
    customer_conversations: '3',
    recent_words: 'thanks a lot',
  };

  it('read the features as featuresOfDuckDbRow does: same values, same types, same keys in the same order', () => {
    const compiled = featureReader(Object.keys(row))(row);
    expect(compiled).toStrictEqual(featuresOfDuckDbRow(row));
    expect(Object.keys(compiled)).toEqual(Object.keys(featuresOfDuckDbRow(row)));
    expect(compiled).toMatchObject({ message_count: 7, first_response_minutes: null, is_escalating: true, customer_conversations: 3, topic: 'refund' });
    expect(compiled).not.toHaveProperty('turns');
  });

  it('build a row from columns by name, and refuse a name that is not a plain identifier', () => {
    const read = rowReader(['conversation_id', 'message_count']);
    expect(read([['c1', 'c2'], [7, 9]], 1)).toEqual({ conversation_id: 'c2', message_count: 9 });
    expect(() => rowReader(['ok', 'x: process.exit(1), y'])).toThrow(/not a plain identifier/);
    expect(() => featureReader(['message_count', 'a.b'])).not.toThrow();
  });
});
