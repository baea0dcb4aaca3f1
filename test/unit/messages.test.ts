// The rule-based messages answer what the customer last said, and never ask for a phone number in public.
import { describe, expect, it } from 'vitest';
import { customerSignals, templateMessage, templateReasoning, type CustomerSignals, type TemplateInput } from '../../src/decisions/templates.js';
import type { Channel } from '../../src/decisions/rules.schema.js';

const base: TemplateInput = {
  customer_id: '115728',
  brand: 'ChipotleTweets',
  channel: 'twitter_public_reply',
  rule_id: 'active_dm_reply',
  rule_description: 'The brand has answered; keep it going in DM',
  fired: {},
  topic: 'other',
  customer_sentiment_end: 0,
  send_time: null,
};

const message = (channel: Channel, last: string, extra: Partial<TemplateInput> & { moved?: boolean } = {}): string => {
  const topic = extra.topic ?? base.topic;
  const sentiment = extra.customer_sentiment_end ?? base.customer_sentiment_end;
  const signals = customerSignals({ customer_sentiment_end: sentiment, topic, last_customer_message: last, customer_moved_to_dm: extra.moved ?? false });
  return templateMessage({ ...base, ...extra, channel, signals });
};

const CHANNELS: Channel[] = ['twitter_public_reply', 'twitter_dm_reply', 'email_reply', 'scheduling_phone_call'];

describe('customerSignals', () => {
  it.each<[string, string, Partial<CustomerSignals>]>([
    ['kind words about an agent', '@ChipotleTweets @ChipotleTweets Becky is very nice', { thanks: true, question: false }],
    ['a thank-you', '@AmazonHelp thanks so much!', { thanks: true }],
    ['a thank-you that says it is still broken', '@AppleSupport thanks but it still does not work', { thanks: false }],
    ['a request that ends in thanks', '@VirginAtlantic can you please update my tier points on my account - thanks.', { thanks: false, question: false }],
    ['a question mark', '@AppleSupport are the call centres closed for the night?', { question: true, thanks: false }],
    ['a wh- question without a mark', '@AskPlayStation What do you mean by local user', { question: true }],
    ['a statement opening with "is" after the addressing', '@115722 is the worst ISP I’ve ever had', { question: false }],
    ['a customer who sent a DM', '@AppleSupport Just sent you all my DM', { dm: true }],
  ])('%s', (_name, last, want) => {
    expect(customerSignals({ customer_sentiment_end: 0, topic: 'other', last_customer_message: last })).toMatchObject(want);
  });

  it('reads the recent words when the message itself is not at hand (no question can be told then)', () => {
    expect(customerSignals({ customer_sentiment_end: 0.4, topic: 'other', recent_words: ['becky', 'is', 'nice', 'very'] })).toEqual({ thanks: true, question: false, dm: false, upset: false });
    expect(customerSignals({ customer_sentiment_end: 0, topic: 'other', recent_words: ['dm', 'sent'] }).dm).toBe(true);
    expect(customerSignals({ customer_sentiment_end: -0.6, topic: 'praise', recent_words: ['thanks', 'terrible'] })).toMatchObject({ thanks: false, upset: true });
  });

  it('takes a move to DM from the decision feature', () => {
    expect(customerSignals({ customer_sentiment_end: 0, topic: 'billing', customer_moved_to_dm: true }).dm).toBe(true);
  });
});

describe('templateMessage', () => {
  it('answers kind words with thanks, never with "could you confirm the details"', () => {
    const last = '@ChipotleTweets @ChipotleTweets Becky is very nice';
    expect(message('twitter_public_reply', last)).toBe("@115728 Thank you, that's kind of you! We'll pass it on to the team. If anything else comes up, we're here to help.");
    expect(message('twitter_dm_reply', last)).toBe("Hi, thanks so much for your message, we're glad to hear it. Is there anything else we can help you with?");
    for (const channel of CHANNELS) expect(message(channel, last)).not.toMatch(/confirm the details|sorry|trouble/i);
  });

  it('answers a question as a question, naming the topic', () => {
    const last = '@AmazonHelp where is my parcel?';
    expect(message('twitter_public_reply', last, { topic: 'delivery' })).toBe(
      "@115728 Thanks for your question about your order. So we can give you the right answer, please send us a DM with the details and we'll take it from there.",
    );
    expect(message('twitter_dm_reply', last, { topic: 'delivery' })).toMatch(/^Hi, thanks for your question about your order\. We're checking and will answer you here shortly/);
    expect(message('email_reply', last, { topic: 'delivery' })).toMatch(/Thank you for your question about your order\./);
  });

  it('does not ask a customer who has just sent a DM to send one', () => {
    const last = '@AppleSupport Just sent you all my DM';
    expect(message('twitter_public_reply', last)).toBe("@115728 Thanks! We'll pick this up with you by DM.");
    expect(message('twitter_dm_reply', last, { topic: 'technical' })).toBe('Hi, thanks for your message about your device. We\'re looking into it now and will get back to you here as soon as we can.');
  });

  it('says sorry to an upset customer, and only then', () => {
    const last = '@sprintcare my internet has been down for 3 days, this is ridiculous';
    expect(message('twitter_public_reply', last, { topic: 'connectivity', customer_sentiment_end: -0.6 })).toBe(
      "@115728 We're really sorry about the trouble with your connection. We want to sort this out: please send us a DM with the details and we'll take it from there.",
    );
    expect(message('twitter_dm_reply', last, { topic: 'connectivity', customer_sentiment_end: -0.6 })).toBe(
      "Hi, following up on your connection. We're sorry this has taken so long. Could you confirm the details so we can get it resolved for you today?",
    );
  });

  it('a phone escalation asks for a good time by DM and never for a number in public', () => {
    for (const [last, extra] of [
      ['@VerizonSupport I was charged twice for one bill', { topic: 'billing' }],
      ['@VerizonSupport this is the worst service ever', { topic: 'billing', customer_sentiment_end: -0.7 }],
      ['@VerizonSupport how do I get my money back?', { topic: 'refund' }],
      ['@VerizonSupport thanks, you were great', { topic: 'praise' }],
    ] as const) {
      const text = message('scheduling_phone_call', last, extra);
      expect(text).toMatch(/^@115728 /);
      expect(text).not.toMatch(/\bnumber\b/i);
      expect(text).toMatch(/send us a DM with a good time to call you/);
    }
    expect(message('scheduling_phone_call', '@AmazonHelp I want my account CLOSED. dm me please.', { topic: 'account' })).toBe(
      "@115728 Thanks for reaching out about access to your account. This needs a proper conversation: we'll reply to your DM to set up a call with one of our specialists.",
    );
  });

  it('praise has no "trouble with your kind words", and a topic-less message names none', () => {
    const upsetPraise = message('twitter_public_reply', 'thoroughly disappointed in the queso... just bad', { topic: 'praise', customer_sentiment_end: -0.6 });
    expect(upsetPraise).toBe("@115728 We're really sorry about the trouble with this. We want to sort this out: please send us a DM with the details and we'll take it from there.");
    expect(message('twitter_public_reply', '@sprintcare hello', { topic: 'other' })).toBe(
      "@115728 Thanks for reaching out. We want to sort this out: please send us a DM with the details and we'll take it from there.",
    );
  });

  it('without signals reads the mood from the sentiment alone, as before', () => {
    expect(templateMessage({ ...base, topic: 'connectivity', customer_sentiment_end: -0.61 })).toMatch(/^@115728 We're really sorry about the trouble with your connection\./);
    expect(templateMessage({ ...base, channel: 'no_action' })).toBe('');
  });
});

describe('templateReasoning', () => {
  it('names what the customer last said', () => {
    const signals = customerSignals({ customer_sentiment_end: 0, topic: 'delivery', last_customer_message: '@AmazonHelp where is my parcel?' });
    expect(templateReasoning({ ...base, topic: 'delivery', signals })).toBe(
      'Rule active_dm_reply fired (The brand has answered; keep it going in DM); topic delivery; the customer asks a question.',
    );
  });
});
