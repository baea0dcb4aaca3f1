// The rule-based message and reasoning: good enough to send without an LLM, and the fallback when one fails.
// A message answers what the customer last said (a thank-you, a question, "I've sent you a DM", a complaint) and
// never asks for a phone number in public: the number and a good time to call are asked for by DM.
import { loadLexicon } from '../model/lexicon.js';
import type { Channel } from './rules.schema.js';

/** What the customer's last messages say, as far as the conversation's features and words tell. */
export interface CustomerSignals {
  /** Thanks or kind words, with no negation ("thanks but still broken") or request ("please fix it, thanks"), and not upset. */
  thanks: boolean;
  /** The last message asks something (known only when the caller has its text). */
  question: boolean;
  /** The customer says they sent (or want) a DM, or moved to DM when the brand asked. */
  dm: boolean;
  /** The customer's last message reads upset (sentiment -0.3 or lower). */
  upset: boolean;
}

export const NO_SIGNALS: CustomerSignals = { thanks: false, question: false, dm: false, upset: false };

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
  /** Default: read from customer_sentiment_end alone (see customerSignals). */
  signals?: CustomerSignals;
}

const TOPIC_PHRASE: Record<string, string> = {
  billing: 'the charges on your account',
  connectivity: 'your connection',
  delivery: 'your order',
  account: 'access to your account',
  refund: 'your refund',
  technical: 'your device',
  travel: 'your journey',
  other: 'this',
};

/** A conversation's subject in a sentence; praise has none to apologise for or follow up on. */
const about = (topic: string): string => TOPIC_PHRASE[topic] ?? TOPIC_PHRASE.other;
/** " about your order", or nothing when the topic names nothing. */
const aboutTail = (topic: string): string => (about(topic) === TOPIC_PHRASE.other ? '' : ` about ${about(topic)}`);

/** A last customer sentiment at or below this reads upset. */
export const UPSET_AT = -0.3;

/** What a word says, as bits: kind words, a negation, a customer's DM, a request. */
const KIND = 1;
const NEGATION = 2;
const DM = 4;
const REQUEST = 8;
/** Every bit a word can carry (predict's SQL composer reads a conversation's words as the OR of their bits). */
export const SIGNAL_BITS = KIND | NEGATION | DM | REQUEST;

/** Words of a request: "can you update my points please - thanks" asks for something, it does not thank for it. */
const REQUEST_WORDS = ['please', 'pls', 'plz', 'can', 'could', 'need', 'want', 'help'];

let wordBits: Map<string, number> | null = null;

/**
 * The lexicon's words behind the signals (gratitude and praise, negation, a customer's DM) and the request words, read
 * once, each with the bits of what it says: a message's words are looked up once each, not once per set.
 */
function words(): Map<string, number> {
  if (wordBits) return wordBits;
  const bits = new Map<string, number>();
  const mark = (word: string, bit: number) => bits.set(word, (bits.get(word) ?? 0) | bit);
  for (const row of loadLexicon()) {
    if (row.kind === 'gratitude' || (row.kind === 'topic' && row.topic === 'praise') || (row.kind === 'sentiment' && row.score >= 3)) mark(row.term, KIND);
    if (row.kind === 'negation') mark(row.term, NEGATION);
    if (row.kind === 'customer_dm') mark(row.term, DM);
  }
  for (const word of REQUEST_WORDS) mark(word, REQUEST);
  wordBits = bits;
  return bits;
}

/** words(), read-only, for predict's SQL composer (its table of each word's bits). */
export const signalWords = (): ReadonlyMap<string, number> => words();

/** Lower-case word tokens, as the lexicon matches them ([a-z0-9'] runs). */
const TOKEN = /[a-z0-9']+/g;
/** A question: a question mark, or a message opening with a wh- word ("when" and "can" open statements and requests too). */
const QUESTION = /\?|^(?:how|why|what|where|who|which)\b/i;
/** The @mentions that open a reply (the addressing), left out before looking for a question word. */
const LEADING_MENTIONS = /^(?:[.\s]*@\w+)+\s*/;

export interface SignalInput {
  customer_sentiment_end: number | null;
  topic: string;
  /** The brand asked for a DM and the customer moved there (a decision feature). */
  customer_moved_to_dm?: boolean | null;
  /** The distinct words of the customer's last two messages (conversations.recent_words). */
  recent_words?: readonly string[] | null;
  /** The customer's last message, when the caller has it: the only way to tell a question. */
  last_customer_message?: string | null;
}

/**
 * The signals of the customer's last message, from what composing a decision already has: the sentiment and topic
 * features, the recent words and, when given, the message itself. Cheap per row: regexes and word sets are built once.
 */
export function customerSignals(input: SignalInput): CustomerSignals {
  const upset = (input.customer_sentiment_end ?? 0) <= UPSET_AT;
  const text = input.last_customer_message ?? null;
  const tokens = text !== null ? (text.toLowerCase().match(TOKEN) ?? []) : (input.recent_words ?? []);
  const bits = words();
  let said = 0;
  for (const token of tokens) said |= bits.get(token) ?? 0;
  const question = text !== null && QUESTION.test(text.replace(LEADING_MENTIONS, ''));
  return {
    thanks: !upset && !question && ((said & KIND) !== 0 || input.topic === 'praise') && (said & (NEGATION | REQUEST)) === 0,
    question,
    dm: input.customer_moved_to_dm === true || (said & DM) !== 0,
    upset,
  };
}

function publicReply(to: string, topic: string, signals: CustomerSignals): string {
  if (signals.upset) return `${to} We're really sorry about the trouble with ${about(topic)}. We want to sort this out: please send us a DM with the details and we'll take it from there.`;
  if (signals.dm) return `${to} Thanks! We'll pick this up with you by DM.`;
  if (signals.question) return `${to} Thanks for your question${aboutTail(topic)}. So we can give you the right answer, please send us a DM with the details and we'll take it from there.`;
  if (signals.thanks) return `${to} Thank you, that's kind of you! We'll pass it on to the team. If anything else comes up, we're here to help.`;
  return `${to} Thanks for reaching out${aboutTail(topic)}. We want to sort this out: please send us a DM with the details and we'll take it from there.`;
}

function dmReply(topic: string, signals: CustomerSignals): string {
  if (signals.thanks) return `Hi, thanks so much for your message, we're glad to hear it. Is there anything else we can help you with${aboutTail(topic)}?`;
  const sorry = signals.upset ? "We're sorry this has taken so long. " : '';
  if (signals.question) return `Hi, thanks for your question${aboutTail(topic)}. ${sorry}We're checking and will answer you here shortly; if it's about a particular order or account, send us its details so we can answer faster.`;
  if (signals.dm) return `Hi, thanks for your message${aboutTail(topic)}. ${sorry}We're looking into it now and will get back to you here as soon as we can.`;
  return `Hi, following up on ${about(topic)}. ${sorry}Could you confirm the details so we can get it resolved for you today?`;
}

function emailReply(topic: string, signals: CustomerSignals, brand: string | null): string {
  const body = signals.upset
    ? `We're really sorry about the trouble with ${about(topic)}. We haven't forgotten you: reply to this e-mail with anything new since we last spoke and a specialist will pick it up.`
    : signals.thanks
      ? `Thank you for your kind message, we're glad to hear it. If anything else comes up${aboutTail(topic)}, just reply to this e-mail.`
      : signals.question
        ? `Thank you for your question${aboutTail(topic)}. A specialist will reply to this e-mail with an answer; add anything that would help us (an order or account number, say).`
        : signals.dm
          ? `Thanks for your message${aboutTail(topic)}. We're looking into it, and a specialist will reply to this e-mail; add anything new since we last spoke.`
          : `Thanks for reaching out${aboutTail(topic)}. We haven't forgotten you: reply to this e-mail with anything new since we last spoke and a specialist will pick it up.`;
  return `Hello,\n\n${body}\n\nKind regards,\n${brand ?? 'Customer Support'}`;
}

/** A call is set up by DM: the public reply asks for a good time and the number there, never here. */
function phoneCall(to: string, topic: string, signals: CustomerSignals): string {
  const opening = signals.upset
    ? `We're really sorry about the trouble with ${about(topic)}.`
    : signals.thanks
      ? 'Thank you for your message!'
      : `Thanks for reaching out${aboutTail(topic)}.`;
  if (signals.dm) return `${to} ${opening} This needs a proper conversation: we'll reply to your DM to set up a call with one of our specialists.`;
  return `${to} ${opening} This needs a proper conversation: please send us a DM with a good time to call you, and one of our specialists will ring you then.`;
}

export function templateMessage(input: TemplateInput): string {
  const signals = input.signals ?? customerSignals({ customer_sentiment_end: input.customer_sentiment_end, topic: input.topic });
  const to = `@${input.customer_id}`;
  switch (input.channel) {
    case 'twitter_public_reply':
      return publicReply(to, input.topic, signals);
    case 'twitter_dm_reply':
      return dmReply(input.topic, signals);
    case 'email_reply':
      return emailReply(input.topic, signals, input.brand);
    case 'scheduling_phone_call':
      return phoneCall(to, input.topic, signals);
    case 'no_action':
      return '';
  }
}

/** The signals a message answered, for the reasoning ("" when none). */
export function signalNote(signals: CustomerSignals | undefined): string {
  if (!signals) return '';
  const said = [signals.thanks && 'thanks', signals.question && 'asks a question', signals.dm && 'is on DM', signals.upset && 'is upset'].filter(Boolean);
  return said.length > 0 ? `; the customer ${said.join(', ')}` : '';
}

/**
 * A number in the reasoning: rounded to hundredths as floor(x * 100 + 0.5) / 100, IEEE operations that DuckDB computes
 * the same way (compose.sql.ts), so batch predict's SQL composer writes the same text.
 */
export const reasoningNumber = (value: number): number => Math.floor(value * 100 + 0.5) / 100;

/** The rule's evidence as the reasoning shows it: "field=value, ..." ("" when the rule tested nothing). */
export function evidenceText(fired: Record<string, unknown>): string {
  let evidence = '';
  for (const field in fired) {
    const value = fired[field];
    evidence += `${evidence ? EVIDENCE_SEPARATOR : ''}${field}=${typeof value === 'number' ? reasoningNumber(value) : String(value)}`;
  }
  return evidence;
}

/** What goes between evidence items, and before the evidence when there is any. */
export const EVIDENCE_SEPARATOR = ', ';
export const EVIDENCE_OPENING = ' on ';

/** The reasoning's parts around the evidence and the send time, which are the same for every row of a rule, topic and signals. */
export function reasoningFrame(input: Pick<TemplateInput, 'rule_id' | 'rule_description' | 'topic' | 'signals'>): { head: string; tail: string } {
  return { head: `Rule ${input.rule_id} fired (${input.rule_description})`, tail: `; topic ${input.topic}${signalNote(input.signals)}.` };
}

/** " Send at <ISO time>." or nothing. */
export const sendAtText = (sendTime: Date | null): string => (sendTime ? ` Send at ${sendTime.toISOString()}.` : '');

export function templateReasoning(input: TemplateInput): string {
  const evidence = evidenceText(input.fired);
  const { head, tail } = reasoningFrame(input);
  return `${head}${evidence ? `${EVIDENCE_OPENING}${evidence}` : ''}${tail}${sendAtText(input.send_time)}`;
}
