// Free-form threads of the real file's shape: a brand drawn from the real brand mix, a thread shape from the real
// threads, each tweet's length, decorations and delay drawn from the real distributions (calibration.ts), and the
// words from texts.ts. One maker per file: it remembers past customers so that some of them come back.
import {
  BRAND_MEAN_BYTES, BRAND_RESPONSE_SECONDS, BRAND_WEIGHTS, CUSTOMER_ANSWER_SECONDS, CUSTOMER_DECORATION, CUSTOMER_FOLLOW_UP,
  DEFAULT_REPLY_STYLE, DEFAULT_RESPONSE_SECONDS, DELAY_LEVELS, EXTRA_TWO_TWEET_THREADS, LENGTH_LEVELS, OFF_CHAIN,
  REPLY_STYLES, RETURNING, TEXT_BYTES, THREAD_SHAPES, type ReplyStyle,
} from './calibration.js';
import { detailPool, fillTo, openerPool, pickFitting, POOLS, shortLink, signature, TOPIC_NAMES, topicWeights, type Channel, type Pool, type Topic } from './texts.js';

export interface Tweet {
  id: number;
  author: string;
  inbound: boolean;
  time: number;
  text: string;
  parent: number | null;
  children: number[];
}

export const START = Date.UTC(2017, 9, 1);
export const SPAN = 61 * 24 * 3600 * 1000;

/** Draws an index with the given weights, by one uniform number. */
function weighted(weights: readonly number[]): (u: number) => number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let running = 0;
  const cumulative = weights.map((w) => (running += w / total));
  return (u) => {
    for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return i;
    return cumulative.length - 1;
  };
}

/** A value of a distribution given by its quantiles, interpolated linearly between them. */
export function fromQuantiles(levels: readonly number[], values: readonly number[], u: number): number {
  let i = 1;
  while (i < levels.length - 1 && u > levels[i]) i++;
  const span = levels[i] - levels[i - 1];
  const t = span > 0 ? Math.min(1, Math.max(0, (u - levels[i - 1]) / span)) : 0;
  return values[i - 1] + t * (values[i] - values[i - 1]);
}

/** Seconds drawn from a delay table at DELAY_LEVELS, log-linear between quantiles; the ends go to half the 5th and 1.5x the 99th. */
export function delaySeconds(table: readonly number[], u: number): number {
  const levels = [0, ...DELAY_LEVELS, 1];
  const logs = [Math.log(table[0] / 2), ...table.map((v) => Math.log(v)), Math.log(table[table.length - 1] * 1.5)];
  return Math.exp(fromQuantiles(levels, logs, u));
}

const BRAND_NAMES = Object.keys(BRAND_WEIGHTS);
const drawBrand = weighted(BRAND_NAMES.map((name) => BRAND_WEIGHTS[name]));
const SHAPES = Object.keys(THREAD_SHAPES);
const drawShape = weighted(SHAPES.map((shape) => THREAD_SHAPES[shape] + (shape === 'CB' ? EXTRA_TWO_TWEET_THREADS : 0)));
const OFF_CHAIN_NONE = 1 - OFF_CHAIN.counts.reduce((sum, [, p]) => sum + p, 0);
const drawOffChain = weighted([OFF_CHAIN_NONE, ...OFF_CHAIN.counts.map(([, p]) => p)]);
const OFF_CHAIN_SIZES = [0, ...OFF_CHAIN.counts.map(([n]) => n)];
const TOPIC_DRAWS = new Map<string, (u: number) => number>();
// Past threads' customers, newest overwriting oldest: enough to bring customers back at any file size in bounded memory.
const MEMORY = 1 << 20;

type Kind = 'thanks' | 'complaint' | 'sent_dm' | 'answer';

export interface ThreadMaker {
  (firstId: number): Tweet[];
}

export function threadMaker(random: () => number): ThreadMaker {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const past = new Int32Array(MEMORY);
  let pastCount = 0;
  let customersMade = 0;
  const newCustomer = () => 100000 + customersMade++;
  const pastCustomer = () => past[Math.floor(random() * Math.min(pastCount, MEMORY))];

  const lengthOf = (table: readonly number[]) => Math.round(fromQuantiles(LENGTH_LEVELS, table, random()));

  const customerText = (mention: string, core: Pool, extras: readonly Pool[], target: number): string => {
    let prefix = mention;
    let suffix = '';
    if (target >= 30) {
      if (random() < CUSTOMER_DECORATION.second_mention) prefix += ` @${random() < 0.5 ? pick(BRAND_NAMES) : 100000 + Math.floor(random() * (customersMade + 1))}`;
      if (random() < CUSTOMER_DECORATION.hashtag) suffix += ` ${pickFitting(random, POOLS.hashtags, 20)}`;
      if (random() < CUSTOMER_DECORATION.emoji) suffix += ` ${pickFitting(random, POOLS.emoji, 8)}`;
      if (random() < CUSTOMER_DECORATION.url) suffix += ` ${shortLink(random)}`;
    }
    const suffixBytes = Buffer.byteLength(suffix);
    const room = target - prefix.length - suffixBytes - 1;
    const body = pickFitting(random, room < core.bytes[0] ? POOLS.shortCustomer : core, room);
    const start = `${prefix} ${body}`;
    let text = fillTo(random, start, Buffer.byteLength(start), target - suffixBytes, extras) + suffix;
    // Now and then the tweet breaks a line (and so is quoted in the CSV), as 3.9% of real customer tweets do.
    if (random() < CUSTOMER_DECORATION.line_break) {
      const at = text.lastIndexOf(' ');
      if (at > prefix.length) text = `${text.slice(0, at)}\n${text.slice(at + 1)}`;
    }
    return text;
  };

  const brandText = (mention: string, style: ReplyStyle, core: Pool, target: number): string => {
    let prefix = mention;
    if (random() < 0.2) prefix += `${prefix ? ' ' : ''}${pickFitting(random, POOLS.greetings, 40)}`;
    let suffix = '';
    if (random() < style.url) suffix += ` ${shortLink(random)}`;
    if (random() < style.emoji) suffix += ` ${pickFitting(random, POOLS.emoji, 8)}`;
    suffix += signature(random, style.caret, style.dash);
    const suffixBytes = Buffer.byteLength(suffix);
    const room = target - prefix.length - suffixBytes - 1;
    const body = pickFitting(random, core, room);
    const start = prefix ? `${prefix} ${body}` : body;
    return fillTo(random, start, Buffer.byteLength(start), target - suffixBytes, [POOLS.brandExtras]) + suffix;
  };

  const channelOf = (style: ReplyStyle): Channel => {
    const u = random();
    return u < style.dm ? 'dm' : u < style.dm + style.email ? 'email' : u < style.dm + style.email + style.phone ? 'phone' : 'public';
  };

  const answerKind = (): Kind => {
    const u = random();
    if (u < CUSTOMER_FOLLOW_UP.thanks) return 'thanks';
    if (u < CUSTOMER_FOLLOW_UP.thanks + CUSTOMER_FOLLOW_UP.complaint) return 'complaint';
    if (u < CUSTOMER_FOLLOW_UP.thanks + CUSTOMER_FOLLOW_UP.complaint + CUSTOMER_FOLLOW_UP.sent_dm) return 'sent_dm';
    return 'answer';
  };

  return (firstId) => {
    const brand = BRAND_NAMES[drawBrand(random())];
    const style = REPLY_STYLES[brand] ?? DEFAULT_REPLY_STYLE;
    const brandScale = style.mean_bytes ? style.mean_bytes / BRAND_MEAN_BYTES : 1;
    const responseTable = BRAND_RESPONSE_SECONDS[brand] ?? DEFAULT_RESPONSE_SECONDS;
    let topicDraw = TOPIC_DRAWS.get(brand);
    if (!topicDraw) TOPIC_DRAWS.set(brand, (topicDraw = weighted(topicWeights(brand))));
    const topic: Topic = TOPIC_NAMES[topicDraw(random())];
    const shape = SHAPES[drawShape(random())];

    const customer = pastCount > 0 && random() < RETURNING.thread_customer ? pastCustomer() : newCustomer();
    let other = -1;
    const otherCustomer = () => (other >= 0 ? other : (other = pastCount > 0 && random() < RETURNING.other_customer ? pastCustomer() : newCustomer()));

    let id = firstId;
    const tweets: Tweet[] = [];
    const kinds = new Map<number, Kind>();
    const add = (author: string, inbound: boolean, text: string, parent: Tweet | null, time: number): Tweet => {
      const tweet: Tweet = { id: id++, author, inbound, time, text, parent: parent?.id ?? null, children: [] };
      parent?.children.push(tweet.id);
      tweets.push(tweet);
      return tweet;
    };

    const brandTweet = (parent: Tweet | null): Tweet => {
      const target = Math.round(lengthOf(TEXT_BYTES.brand) * brandScale);
      const closing = parent !== null && kinds.get(parent.id) === 'thanks';
      const core = closing ? POOLS.closings : POOLS.brandCores[channelOf(style)];
      const mention = parent === null ? '' : `@${parent.inbound ? parent.author : customer}`;
      const time = parent === null ? START + Math.floor(random() * SPAN)
        : parent.inbound ? parent.time + Math.round(delaySeconds(responseTable, random()) * 1000)
        : parent.time + (30 + Math.floor(random() * 270)) * 1000;
      return add(brand, false, brandText(mention, style, core, target), parent, time);
    };

    const customerTweet = (author: number, parent: Tweet | null): Tweet => {
      const target = lengthOf(TEXT_BYTES.customer);
      const mention = author === customer || parent === null ? `@${brand}` : `@${parent.author} @${brand}`;
      let text: string;
      let kind: Kind | undefined;
      if (parent === null) text = customerText(mention, openerPool(topic), [detailPool(topic), POOLS.customerExtras], target);
      else if (author !== customer) text = customerText(author === Number(parent.author) ? `@${brand}` : mention, POOLS.otherCustomer, [POOLS.customerExtras], target);
      else if (parent.inbound) text = customerText(mention, detailPool(topic), [detailPool(topic), POOLS.customerExtras], target);
      else {
        kind = answerKind();
        const extras = kind === 'thanks' ? [POOLS.thanksExtras] : kind === 'answer' || kind === 'sent_dm' ? [detailPool(topic)] : [POOLS.customerExtras, detailPool(topic)];
        text = customerText(mention, POOLS.answers[kind], extras, target);
      }
      const time = parent === null ? START + Math.floor(random() * SPAN)
        : parent.inbound ? parent.time + Math.round((delaySeconds(CUSTOMER_ANSWER_SECONDS, random()) * 1000) / 4)
        : parent.time + Math.round(delaySeconds(CUSTOMER_ANSWER_SECONDS, random()) * 1000);
      const tweet = add(String(author), true, text, parent, time);
      if (kind) kinds.set(tweet.id, kind);
      return tweet;
    };

    // The deepest chain, root first, each tweet answering the one before.
    let last: Tweet | null = null;
    for (const who of shape) last = who === 'B' ? brandTweet(last) : customerTweet(who === 'C' ? customer : otherCustomer(), last);
    // Then the tweets off the chain: a second answer to one of its tweets.
    const offChain = shape.length === 2 ? (random() < OFF_CHAIN.two_tweet_chain ? 1 : 0) : OFF_CHAIN_SIZES[drawOffChain(random())];
    const chain = tweets.slice();
    for (let i = 0; i < offChain; i++) {
      const u = shape.length === 2 ? 0 : random();
      const wantBrand = u < OFF_CHAIN.brand;
      const candidates = chain.filter((t) => t.inbound === wantBrand);
      const parent = candidates.length > 0 ? pick(candidates) : chain[0];
      if (wantBrand) brandTweet(parent);
      else customerTweet(u < OFF_CHAIN.brand + OFF_CHAIN.customer || other < 0 ? customer : other, parent);
    }
    past[pastCount++ % MEMORY] = customer;
    return tweets;
  };
}
