// Writes twcs-shaped CSV data: brands and customers in multi-turn reply threads, with the real file's
// quirks (quoted text with newlines and emoji, comma-separated response ids, rows out of time order)
// and, when asked, malformed rows of each kind the quality checks catch. Same seed, same file.
import fs from 'node:fs';
import { csvField } from '../files/csv-field.js';
import { seededRandom } from '../model/random.js';
import { START, SPAN, threadMaker, type Tweet } from './threads.js';
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

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** The twcs timestamp format: Tue Oct 31 22:10:47 +0000 2017. */
export function formatTwitterTime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

export function generateTwcs(options: GenerateOptions): GenerateResult {
  const random = seededRandom(options.seed ?? 42);
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
  const makeThread = threadMaker(random);

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
    const tweets = makeThread(nextId);
    nextId += tweets.length;
    for (const tweet of tweets) {
      if (tweet.inbound) customersSeen.add(Number(tweet.author));
      else brandsSeen.add(tweet.author);
    }

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
