// Writes twcs-shaped CSV data: brands and customers in multi-turn reply threads, with the real file's
// quirks (quoted text with newlines and emoji, comma-separated response ids, rows out of time order)
// and, when asked, malformed rows of each kind the quality checks catch. Same seed, same file.
import fs from 'node:fs';
import { csvField } from '../files/csv-field.js';
import { seededRandom } from '../model/random.js';
import { ESCALATED_FOLLOW_UPS, OPENERS, OUTCOME_TOPICS, REPLIES, RESOLVED_FOLLOW_UPS, CAUSAL_MODEL, brandStyle, drawAction, loggingPolicy, type GeneratedDecision } from './outcomes.js';

export const TWCS_HEADER = 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id';

export const MALFORMED_KINDS = ['bad_timestamp', 'missing_text', 'wrong_column_count', 'duplicate_id', 'stray_quote'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface GenerateOptions {
  rows: number;
  out: string;
  seed?: number;
  /** Malformed rows to mix in (each counts toward rows); spread evenly over the kinds. */
  malformed?: number;
  /** Threads whose outcomes follow the causal model of outcomes.ts (one brand reply each), instead of free-form threads. */
  outcomes?: boolean;
  onProgress?: (rowsWritten: number) => void;
  /** With `outcomes`: called with each brand reply's truth (topic, action, logging propensity, outcome). */
  onDecision?: (decision: GeneratedDecision) => void;
}

export interface GenerateResult {
  out: string;
  rows: number;
  threads: number;
  customers: number;
  brands: number;
  malformed: Record<MalformedKind, number>;
  bytes: number;
}

export const BRANDS = [
  'AppleSupport', 'AmazonHelp', 'Uber_Support', 'SpotifyCares', 'comcastcares', 'TMobileHelp', 'hulu_support', 'AmericanAir',
  'Delta', 'SouthwestAir', 'British_Airways', 'VirginTrains', 'sprintcare', 'XboxSupport', 'Ask_Spectrum', 'ChipotleTweets',
  'UPSHelp', 'AskPlayStation', 'sainsburys', 'Tesco', 'VerizonSupport', 'AskPayPal', 'GWRHelp', 'SW_Help', 'ATVIAssist',
  'askvirginmoney', 'AskTarget', 'NikeSupport', 'McDonalds', 'AirAsiaSupport', 'DropboxSupport', 'HPSupport',
  'AdobeCare', 'LondonMidland', 'O2', 'VirginAmerica', 'JetBlue', 'AlaskaAir', 'Safaricom_Care',
];

const EMOJI = ['😡', '🙄', '😤', '🤬', '😢', '🙏', '😊', '👍', '💯', '🤥', '😩', '❤️'];

interface TopicText {
  opens: string[];
  followUps: string[];
}

const TOPICS: Record<string, TopicText> = {
  billing: {
    opens: [
      'I was charged twice for my bill this month. Why?',
      'my bill went up $40 with no explanation, this is ridiculous',
      'there is a charge on my account I never authorized. Please fix it now',
      'why is my invoice showing a late fee when I paid on time?',
    ],
    followUps: ['I already paid, check account 48213377', 'still showing the wrong amount on my bill', 'the overcharge is still there'],
  },
  outage: {
    opens: [
      'my internet has been down for 3 hours, no signal at all',
      'is there an outage? wifi keeps dropping every 10 minutes',
      'no service in my area since this morning. Fix it asap!',
      'connection is so slow I cannot even load a page',
    ],
    followUps: ['still no connection', 'restarted the router twice, nothing', 'it is back up now, thanks'],
  },
  delivery: {
    opens: [
      'my package was supposed to arrive yesterday and tracking has not moved',
      'order #112-3344556 never arrived, where is it?',
      'the delivery driver left my parcel in the rain, it is ruined',
      'still waiting on my order after 2 weeks',
    ],
    followUps: ['tracking still says in transit', 'the order number is 112-3344556', 'it just arrived, finally'],
  },
  account: {
    opens: [
      "I can't log in to my account, password reset email never comes",
      'my account got locked and I have no idea why',
      'someone hacked my account and changed my email address',
      'two factor code is not arriving, locked out of my account',
    ],
    followUps: ['my email is jane.doe@example.com', 'still locked out', 'reset worked this time'],
  },
  refund: {
    opens: [
      'I want a refund for my cancelled order, it has been 10 days',
      'how do I cancel my subscription? I keep getting charged',
      'still waiting for my refund, this is unacceptable',
      'please cancel my account immediately',
    ],
    followUps: ['no refund yet', 'I want my money back', 'refund came through, thank you'],
  },
  technical: {
    opens: [
      'the app keeps crashing after the latest update',
      'my phone screen freezes every time I open the camera',
      "the update broke bluetooth, my headphones won't connect",
      'error code 0x80070005 when I try to install the game',
    ],
    followUps: ['tried reinstalling, same error', 'running the latest version already', 'that fixed it!'],
  },
  travel: {
    opens: [
      'my flight was delayed 4 hours and now I missed my connection',
      'train cancelled again, stuck at the station with no information',
      'you lost my luggage on flight 1182, nobody at the desk can help',
      'flight cancelled and the rebooking line has a 3 hour wait',
    ],
    followUps: ['still waiting at the gate', 'booking reference is QX7T2L', 'got rebooked, thanks for sorting it'],
  },
  praise: {
    opens: [
      'huge thanks to your team for the quick help today!',
      'best customer service ever, you guys rock',
      'love the new update, great job',
      'shoutout to the agent who sorted my issue in minutes',
    ],
    followUps: ['thanks again!', 'appreciate it', 'you are the best'],
  },
};
const TOPIC_NAMES = Object.keys(TOPICS);

const BRAND_FIRST = [
  "We're sorry to hear this. Please send us a DM with more details so we can look into it.",
  'Sorry for the trouble! Can you DM us your account details and we will take a look?',
  'We understand your frustration. Could you email us at support@example.com with your order number?',
  "That's not the experience we want for you. Please give us a call at 1-800-555-0199 so we can help.",
  'Thanks for reaching out. Have you tried restarting the device? Let us know if that helps.',
  'Hi there, we want to help. Which city are you in? ^JD',
];
const BRAND_FOLLOW = [
  "Thanks, we've received your DM and replied there.",
  "We've escalated this to our specialist team; you will hear from us within 24 hours.",
  'Please follow the link to reset: https://example.com/help',
  "Glad we could help! Have a great day. ^AK",
  "We've issued a refund; it should show in 3-5 business days.",
  "Sorry, we're still looking into it and will update you shortly.",
];
const CUSTOMER_CLOSE = ['Thanks, that worked!', 'thank you so much 🙏', 'still not fixed. this is the worst service ever 😡', 'ok done, sent you a DM', 'no reply yet?? hello??'];

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** The twcs timestamp format: Tue Oct 31 22:10:47 +0000 2017. */
export function formatTwitterTime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

interface Tweet {
  id: number;
  author: string;
  inbound: boolean;
  time: number;
  text: string;
  parent: number | null;
  children: number[];
}

const START = Date.UTC(2017, 9, 1);
const SPAN = 61 * 24 * 3600 * 1000;

export function generateTwcs(options: GenerateOptions): GenerateResult {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const malformedTotal = Math.min(options.malformed ?? 0, options.rows);
  const validTarget = options.rows - malformedTotal;
  const customerCount = Math.max(1, Math.round(validTarget / 4));
  const fd = fs.openSync(options.out, 'w');
  let buffer = `${TWCS_HEADER}\n`;
  let bytes = 0;
  let written = 0;
  let nextId = 1;
  let threads = 0;
  const customersSeen = new Set<number>();
  const brandsSeen = new Set<string>();
  const malformed = Object.fromEntries(MALFORMED_KINDS.map((k) => [k, 0])) as Record<MalformedKind, number>;
  const malformedEvery = malformedTotal > 0 ? Math.max(1, Math.floor(validTarget / malformedTotal)) : Infinity;
  let malformedWritten = 0;
  let lastGood = '';

  const flush = (force = false) => {
    if (buffer.length > 1 << 20 || force) {
      bytes += fs.writeSync(fd, buffer);
      buffer = '';
    }
  };

  const writeRow = (line: string) => {
    buffer += line;
    written++;
    if (written % 100_000 === 0) options.onProgress?.(written);
    flush();
  };

  const writeMalformed = () => {
    const kind = MALFORMED_KINDS[malformedWritten % MALFORMED_KINDS.length];
    const id = nextId++;
    const when = formatTwitterTime(START + Math.floor(random() * SPAN));
    const line =
      kind === 'bad_timestamp' ? `${id},${100000 + id},True,not a date,@AmazonHelp where is my order,,\n`
      : kind === 'missing_text' ? `${id},${100000 + id},True,${when},,,\n`
      : kind === 'wrong_column_count' ? `${id},${100000 + id},True,${when},too,many,columns,here\n`
      : kind === 'duplicate_id' ? lastGood
      : `${id},${100000 + id},True,${when},"@AmazonHelp broken "quote" here,,\n`;
    if (!line) return;
    writeRow(line);
    malformed[kind]++;
    malformedWritten++;
  };

  while (written < options.rows) {
    threads++;
    if (options.outcomes) {
      const tweets = outcomeThread(random, customerCount, nextId, options.onDecision);
      nextId += tweets.length;
      customersSeen.add(Number(tweets[0].author));
      brandsSeen.add(tweets[1].author);
      for (let i = tweets.length - 1; i >= 0 && written < options.rows; i--) {
        const line = tweetLine(tweets[i]);
        writeRow(line);
        lastGood = line;
        if (malformedWritten < malformedTotal && (written - malformedWritten) % malformedEvery === 0 && written < options.rows) writeMalformed();
      }
      continue;
    }
    const brand = pick(BRANDS);
    const topic = pick(TOPIC_NAMES);
    const text = TOPICS[topic];
    const customer = 100000 + Math.floor(random() * customerCount);
    let time = START + Math.floor(random() * SPAN);
    const tweets: Tweet[] = [];
    const add = (author: string, inbound: boolean, body: string, parent: Tweet | null, delayMs: number): Tweet => {
      time += delayMs;
      const tweet: Tweet = { id: nextId++, author, inbound, time, text: body, parent: parent?.id ?? null, children: [] };
      parent?.children.push(tweet.id);
      tweets.push(tweet);
      return tweet;
    };
    const decorate = (body: string) => {
      const r = random();
      if (r < 0.15) return `${body} ${pick(EMOJI)}`;
      if (r < 0.2) return `${body}\n"seriously" #fail`;
      if (r < 0.23) return `${body} https://t.co/${Math.floor(random() * 1e8).toString(36)}`;
      return body;
    };

    let last = add(String(customer), true, decorate(`@${brand} ${pick(text.opens)}`), null, 0);
    const replied = random() < 0.85;
    if (replied) {
      last = add(brand, false, `@${customer} ${pick(BRAND_FIRST)}`, last, 60_000 + Math.floor(random() * 3 * 3600_000));
      const turns = Math.floor(random() * 4);
      for (let turn = 0; turn < turns; turn++) {
        last = add(String(customer), true, decorate(`@${brand} ${pick(text.followUps)}`), last, 60_000 + Math.floor(random() * 6 * 3600_000));
        if (random() < 0.8) last = add(brand, false, `@${customer} ${pick(BRAND_FOLLOW)}`, last, 60_000 + Math.floor(random() * 2 * 3600_000));
      }
      if (random() < 0.5) add(String(customer), true, `@${brand} ${pick(CUSTOMER_CLOSE)}`, last, 60_000 + Math.floor(random() * 12 * 3600_000));
      // A second customer chimes in under the brand's first reply now and then.
      if (random() < 0.05 && tweets.length > 1) {
        const other = 100000 + Math.floor(random() * customerCount);
        add(String(other), true, `@${brand} same problem here ${pick(EMOJI)}`, tweets[1], 3600_000);
        customersSeen.add(other);
      }
    }
    customersSeen.add(customer);
    brandsSeen.add(brand);

    // twcs lists a thread newest first, so timestamps run backwards within the file.
    for (let i = tweets.length - 1; i >= 0 && written < options.rows; i--) {
      const line = tweetLine(tweets[i]);
      writeRow(line);
      lastGood = line;
      if (malformedWritten < malformedTotal && (written - malformedWritten) % malformedEvery === 0 && written < options.rows) writeMalformed();
    }
  }
  flush(true);
  fs.closeSync(fd);
  options.onProgress?.(written);
  return { out: options.out, rows: written, threads, customers: customersSeen.size, brands: brandsSeen.size, malformed, bytes };
}

function tweetLine(t: Tweet): string {
  return `${t.id},${t.author},${t.inbound ? 'True' : 'False'},${formatTwitterTime(t.time)},${csvField(t.text)},${csvField(t.children.join(','))},${t.parent ?? ''}\n`;
}

/**
 * One thread of the causal model: the customer's issue, the brand's one reply on a channel the logging policy draws,
 * and the customer's follow-up as P(resolved | topic, action) draws it (thanks, an angrier complaint, or nothing).
 */
function outcomeThread(random: () => number, customerCount: number, firstId: number, onDecision: GenerateOptions['onDecision']): Tweet[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const brandIndex = Math.floor(random() * BRANDS.length);
  const brand = BRANDS[brandIndex];
  const topic = pick(OUTCOME_TOPICS);
  const customer = String(100000 + Math.floor(random() * customerCount));
  let time = START + Math.floor(random() * SPAN);
  let id = firstId;
  const tweets: Tweet[] = [];
  const add = (author: string, inbound: boolean, body: string, parent: Tweet | null, delayMs: number): Tweet => {
    time += delayMs;
    const tweet: Tweet = { id: id++, author, inbound, time, text: body, parent: parent?.id ?? null, children: [] };
    parent?.children.push(tweet.id);
    tweets.push(tweet);
    return tweet;
  };
  const opener = add(customer, true, `@${brand} ${pick(OPENERS[topic])}`, null, 0);
  const probabilities = loggingPolicy(topic, brandStyle(brandIndex));
  const action = drawAction(probabilities, random());
  const reply = add(brand, false, `@${customer} ${pick(REPLIES[action])}`, opener, 60_000 + Math.floor(random() * 3 * 3600_000));
  const u = random();
  const resolvedAt = CAUSAL_MODEL.resolution[topic][action];
  const outcome = u < resolvedAt ? 'resolved' : u < resolvedAt + (1 - resolvedAt) * CAUSAL_MODEL.escalation_if_unresolved ? 'escalated' : 'silent';
  // The follow-up comes well inside the 72-hour outcome window.
  const followUpDelay = 10 * 60_000 + Math.floor(random() * 24 * 3600_000);
  if (outcome === 'resolved') add(customer, true, `@${brand} ${pick(RESOLVED_FOLLOW_UPS)}`, reply, followUpDelay);
  if (outcome === 'escalated') add(customer, true, `@${brand} ${pick(ESCALATED_FOLLOW_UPS)}`, reply, followUpDelay);
  onDecision?.({ reply_id: String(reply.id), customer_id: customer, brand, topic, action, propensity: probabilities[action], outcome });
  return tweets;
}
