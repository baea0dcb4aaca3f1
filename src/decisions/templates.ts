// The rule-based message and reasoning: good enough to send without an LLM, and the fallback when one fails.
import type { Channel } from './rules.schema.js';

export interface TemplateInput {
  customer_id: string;
  brand: string | null;
  channel: Channel;
  rule_id: string;
  rule_description: string;
  fired: Record<string, unknown>;
  topic: string;
  customer_sentiment_end: number | null;
  send_time: Date | null;
}

const TOPIC_PHRASE: Record<string, string> = {
  billing: 'the charges on your account',
  connectivity: 'your connection',
  delivery: 'your order',
  account: 'access to your account',
  refund: 'your refund',
  technical: 'the problem with your device',
  travel: 'your journey',
  praise: 'your kind words',
  other: 'this',
};

export function templateMessage(input: TemplateInput): string {
  const about = TOPIC_PHRASE[input.topic] ?? TOPIC_PHRASE.other;
  const upset = (input.customer_sentiment_end ?? 0) <= -0.3;
  const sorry = upset ? "We're really sorry about the trouble with" : "Thanks for reaching out about";
  switch (input.channel) {
    case 'twitter_public_reply':
      return `@${input.customer_id} ${sorry} ${about}. We want to sort this out: please send us a DM with the details and we'll take it from there.`;
    case 'twitter_dm_reply':
      return `Hi, following up on ${about}. ${upset ? "We're sorry this has taken so long. " : ''}Could you confirm the details so we can get it resolved for you today?`;
    case 'email_reply':
      return `Hello,\n\n${sorry} ${about}. We haven't forgotten you: reply to this e-mail with anything new since we last spoke and a specialist will pick it up.\n\nKind regards,\n${input.brand ?? 'Customer Support'}`;
    case 'scheduling_phone_call':
      return `@${input.customer_id} ${sorry} ${about}. This needs a proper conversation: reply with a good time and number and one of our specialists will call you.`;
    case 'no_action':
      return '';
  }
}

export function templateReasoning(input: TemplateInput): string {
  const evidence = Object.entries(input.fired)
    .map(([field, value]) => `${field}=${typeof value === 'number' ? Number(value.toFixed(2)) : String(value)}`)
    .join(', ');
  const when = input.send_time ? ` Send at ${input.send_time.toISOString()}.` : '';
  return `Rule ${input.rule_id} fired (${input.rule_description})${evidence ? ` on ${evidence}` : ''}; topic ${input.topic}.${when}`;
}
