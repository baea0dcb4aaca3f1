// A learned model is data: counts of (feature, class) from the brand replies in the store, with which any engine
// (DuckDB and ClickHouse SQL at training, TypeScript in predict and serve) scores a context the same way.
// Two naive Bayes models (closed form: counts plus Laplace smoothing, no optimizer), pooled over the brands:
//  - propensity: P(action | context), how this brand's agents act, from the context and the KEPT_WORDS most
//    informative words of the customer's last two messages;
//  - outcome: P(resolved | context, action), with the action as a feature and crossed with the brand and topic.
// The context's features are defined once below, as data, and written in each dialect from that data.
import { z } from 'zod';

/** The actions agents take in the history (a brand reply always steers somewhere; no_action is never logged). */
export const ACTIONS = ['twitter_public_reply', 'twitter_dm_reply', 'email_reply', 'scheduling_phone_call'] as const;
export type Action = (typeof ACTIONS)[number];

/** The inputs a context's features read: decision features plus the brand and the customer's recent words. */
export interface ModelContext {
  brand: string | null;
  topic: string | null;
  message_count: number | null;
  brand_messages: number | null;
  hours_since_last_customer_message: number | null;
  brand_asked_dm: boolean | null;
  brand_asked_email: boolean | null;
  brand_asked_phone: boolean | null;
  customer_moved_to_dm: boolean | null;
  is_urgent: boolean | null;
  is_escalating: boolean | null;
  /** Distinct tokens of the customer's last two messages. */
  recent_words: string[] | null;
}

type FeatureDefinition =
  | { kind: 'category'; name: string; input: 'brand' | 'topic' }
  | { kind: 'flag'; name: string; input: 'brand_asked_dm' | 'brand_asked_email' | 'brand_asked_phone' | 'customer_moved_to_dm' | 'is_urgent' | 'is_escalating' }
  | { kind: 'bucket'; name: string; input: 'message_count' | 'brand_messages' | 'hours_since_last_customer_message'; upper: readonly number[] };

/** The context features, as data: a category gives `name=value`, a flag gives `name` when true, a bucket `name<upper`. */
export const CONTEXT_FEATURES: readonly FeatureDefinition[] = [
  { kind: 'category', name: 'brand', input: 'brand' },
  { kind: 'category', name: 'topic', input: 'topic' },
  { kind: 'bucket', name: 'messages', input: 'message_count', upper: [2, 3, 5, 8] },
  { kind: 'bucket', name: 'brand_messages', input: 'brand_messages', upper: [1, 2, 4] },
  { kind: 'bucket', name: 'waited_hours', input: 'hours_since_last_customer_message', upper: [0.25, 2, 24] },
  { kind: 'flag', name: 'asked_dm', input: 'brand_asked_dm' },
  { kind: 'flag', name: 'asked_email', input: 'brand_asked_email' },
  { kind: 'flag', name: 'asked_phone', input: 'brand_asked_phone' },
  { kind: 'flag', name: 'moved_to_dm', input: 'customer_moved_to_dm' },
  { kind: 'flag', name: 'urgent', input: 'is_urgent' },
  { kind: 'flag', name: 'escalating', input: 'is_escalating' },
];

/** The word features: one per distinct recent word. */
export const WORD_PREFIX = 'word=';

/**
 * The features of a context (TypeScript). With `words`, only the recent words it holds become features: a model
 * reads no other word (unknown features carry no evidence), so scoring with them or without gives the same numbers.
 * The names come from caches, so a context's features are the same string objects every time: batch predict makes
 * them for hundreds of thousands of conversations, and a Map keeps a string's hash once it has computed it.
 */
export function contextFeatures(context: ModelContext, words?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < CONTEXT_FEATURES.length; i += 1) {
    const feature = CONTEXT_FEATURES[i];
    const value = context[feature.input];
    if (feature.kind === 'category') out.push(categoryName(i, feature.input === 'brand' ? brandKey(value as string | null) : ((value ?? '') as string)));
    else if (feature.kind === 'flag') {
      if (value === true) out.push(feature.name);
    } else if (typeof value === 'number') out.push(bucketName(i, feature.upper, value));
  }
  const recent = context.recent_words;
  if (!recent) return out;
  if (!words) {
    for (const word of new Set(recent)) out.push(`${WORD_PREFIX}${word}`);
    return out;
  }
  // A model's few words: each kept once, in the order first said (as a Set of the list would give them).
  const first = out.length;
  for (const word of recent) {
    if (!words.has(word)) continue;
    const name = wordName(word);
    if (!out.includes(name, first)) out.push(name);
  }
  return out;
}

/** Each bucket's names, in the order of its bounds, the last one `name>=last bound`; null for other kinds. */
const BUCKET_NAMES: ReadonlyArray<readonly string[] | null> = CONTEXT_FEATURES.map((feature) =>
  feature.kind === 'bucket' ? [...feature.upper.map((bound) => `${feature.name}<${bound}`), `${feature.name}>=${feature.upper[feature.upper.length - 1]}`] : null,
);

function bucketName(definition: number, upper: readonly number[], value: number): string {
  const names = BUCKET_NAMES[definition]!;
  for (let k = 0; k < upper.length; k += 1) if (value < upper[k]) return names[k];
  return names[upper.length];
}

/** How many names each cache below keeps before it starts again (a bound for serve, which runs for weeks). */
const NAMES_KEPT = 8192;

const CATEGORY_NAMES: ReadonlyArray<Map<string, string>> = CONTEXT_FEATURES.map(() => new Map());

/** `name=value` of category definition `definition`, from its cache. */
function categoryName(definition: number, value: string): string {
  const names = CATEGORY_NAMES[definition];
  let name = names.get(value);
  if (name === undefined) {
    if (names.size >= NAMES_KEPT) names.clear();
    names.set(value, (name = `${CONTEXT_FEATURES[definition].name}=${value}`));
  }
  return name;
}

const WORD_NAMES = new Map<string, string>();

function wordName(word: string): string {
  let name = WORD_NAMES.get(word);
  if (name === undefined) {
    if (WORD_NAMES.size >= NAMES_KEPT) WORD_NAMES.clear();
    WORD_NAMES.set(word, (name = `${WORD_PREFIX}${word}`));
  }
  return name;
}

/**
 * A brand as the model knows it: its handle in lower case. A conversation no brand has answered yet takes the brand
 * from the customer's first @-mention, written as the customer typed it (`@delta`, `@DELTA`, `@Delta`).
 */
export function brandKey(brand: string | null): string {
  return (brand ?? '').toLowerCase();
}

export type Dialect = 'duckdb' | 'clickhouse';

/**
 * SQL: a list of the context's feature strings, from columns named as the ModelContext fields. Names and thresholds
 * come from this module, never from user text. The recent words are a sample's stored list, distinct by construction
 * (conversationWordsSql in conversations/duckdb.sql.ts), so no step makes them distinct again: DuckDB's list_distinct took 3.5
 * of the 10 s it took to build the 2.8M-row file's 1.28M samples' features, and the counts came out the same.
 */
export function contextFeaturesSql(dialect: Dialect): string {
  const items = CONTEXT_FEATURES.map((feature) => {
    if (feature.kind === 'category') return `concat('${feature.name}=', ${feature.input === 'brand' ? 'lower' : ''}(coalesce(${feature.input}, '')))`;
    if (feature.kind === 'flag') return `CASE WHEN ${feature.input} THEN '${feature.name}' END`;
    const cases = feature.upper.map((bound) => `WHEN ${feature.input} < ${bound} THEN '${feature.name}<${bound}'`).join(' ');
    return `CASE WHEN ${feature.input} IS NULL THEN NULL ${cases} ELSE '${feature.name}>=${feature.upper[feature.upper.length - 1]}' END`;
  });
  if (dialect === 'duckdb') {
    return `list_concat(list_filter([${items.join(', ')}], f -> f IS NOT NULL), list_transform(coalesce(recent_words, []), w -> '${WORD_PREFIX}' || w))`;
  }
  return `arrayConcat(arrayFilter(f -> f IS NOT NULL, [${items.join(', ')}]), arrayMap(w -> concat('${WORD_PREFIX}', w), ifNull(recent_words, [])))`;
}

/** The outcome model's features: the context's, the action, and the action crossed with the brand and the topic. */
export function outcomeFeatures(context: string[], action: Action): string[] {
  const crossed = context.filter((f) => f.startsWith('brand=') || f.startsWith('topic=')).map((f) => `action=${action}|${f}`);
  return [...context, `action=${action}`, ...crossed];
}

/** The context features outcomeFeatures crosses with the action. */
export const CROSSED_PREFIXES = ['brand=', 'topic='] as const;

/**
 * ClickHouse SQL: outcomeFeatures of a context list `context` and an action `action` (two SQL expressions). The DuckDB
 * engine counts the same features without building the list (duckdbCounts in train.sql.ts); the test that trains with
 * both engines compares the models.
 */
export function outcomeFeaturesSqlClickHouse(context: string, action: string): string {
  const crossed = (f: string) => CROSSED_PREFIXES.map((prefix) => `startsWith(${f}, '${prefix}')`).join(' OR ');
  return `arrayConcat(${context}, [concat('action=', ${action})], arrayMap(f -> concat('action=', ${action}, '|', f), arrayFilter(f -> ${crossed('f')}, ${context})))`;
}

/** A naive Bayes model as counts: what training stores and what scoring reads. */
export const naiveBayesSchema = z.object({
  classes: z.array(z.string()).min(2),
  /** Training samples per class. */
  priors: z.record(z.string(), z.number().nonnegative()),
  /** Feature occurrences per class, summed over every feature. */
  totals: z.record(z.string(), z.number().nonnegative()),
  /** feature -> class -> occurrences. */
  counts: z.record(z.string(), z.record(z.string(), z.number().nonnegative())),
  /** Distinct features seen in training. */
  vocabulary: z.number().int().nonnegative(),
  /** Laplace smoothing. */
  alpha: z.number().positive(),
});
export type NaiveBayes = z.infer<typeof naiveBayesSchema>;

export const learnedModelSchema = z.object({
  format: z.literal('riverline-model/1'),
  model_id: z.string().min(1),
  trained_at: z.string(),
  engine: z.enum(['duckdb', 'clickhouse']),
  training_rows: z.number().int().nonnegative(),
  time_range: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  metrics: z.record(z.string(), z.number()),
  propensity: naiveBayesSchema,
  outcome: naiveBayesSchema,
  /** Brand replies per brand in training, and how many of them resolved: the evidence behind each layer. */
  evidence: z.record(z.string(), z.object({ samples: z.number().int().nonnegative(), resolved: z.number().int().nonnegative() })),
});
export type LearnedModel = z.infer<typeof learnedModelSchema>;

/**
 * How a model is read: a categorical naive Bayes. Each category or bucket counts as one of its group's values (its
 * share of the class's samples), each flag and each kept word as present or absent (Bernoulli). Features never seen in
 * training carry no evidence. A multinomial reading of the same counts (an earlier version) gave probabilities far too
 * extreme: a message's words mostly repeat one fact (its topic), each counts as independent
 * evidence, and smoothing over the whole vocabulary pushes a small class towards zero. Measured: as the behaviour
 * propensity on `generate --outcomes` data, IPS came out above 1 and missed the true value, and on the real slice
 * e-mail replies (9% of them) got a mean propensity of 0.0003; read this way the intervals cover the truth
 * (test/integration/ground-truth.test.ts). Predict, serve and evaluate all read a model through this one reader.
 *
 * The log terms are computed once per model: a context's scores are the prior plus every flag's "absent" term, plus,
 * for each feature present, its category term or its flag's present-minus-absent term. Scoring is lookups and sums, so
 * batch predict decides hundreds of thousands of conversations without a logarithm per feature.
 */
export interface CategoricalScorer {
  classes: readonly string[];
  /** Unnormalised log scores of a context, per class (in the order of `classes`); duplicate features count once per occurrence. */
  scores(features: readonly string[]): Float64Array;
  /** Adds the terms of more features to scores (the outcome model's action features). */
  add(scores: Float64Array, features: readonly string[]): Float64Array;
  /** The terms of the features the model knows, in order: adding them one by one to scores is what add() does. */
  termsOf(features: readonly string[]): Float64Array[];
  /** P(class | features), from scores. */
  probabilities(scores: Float64Array): Float64Array;
  /**
   * The features that moved class `a` over class `b` most, in log-odds, largest first: present features, and flags the
   * model knows that are absent (as `no <flag>`).
   */
  contributions(features: readonly string[], a: string, b: string, count?: number): Array<{ feature: string; contribution: number }>;
}

const scorers = new WeakMap<NaiveBayes, CategoricalScorer>();

export function categoricalScorer(model: NaiveBayes): CategoricalScorer {
  const cached = scorers.get(model);
  if (cached) return cached;
  const { classes, alpha } = model;
  const n = classes.map((cls) => model.priors[cls] ?? 0);
  const total = n.reduce((a, b) => a + b, 0);
  const groupSizes = new Map<string, number>();
  for (const feature of Object.keys(model.counts)) {
    const group = groupOf(feature);
    if (group !== null) groupSizes.set(group, (groupSizes.get(group) ?? 0) + 1);
  }
  const base = Float64Array.from(n, (count) => Math.log((count + alpha) / (total + alpha * classes.length)));
  const terms = new Map<string, Float64Array>();
  const absent = new Map<string, Float64Array>();
  for (const [feature, counts] of Object.entries(model.counts)) {
    const group = groupOf(feature);
    if (group === null) {
      // A flag is present in at most all of a class's samples (max() keeps a hand-written table in range too).
      const share = classes.map((cls, k) => ((counts[cls] ?? 0) + alpha) / (Math.max(n[k], counts[cls] ?? 0) + 2 * alpha));
      const off = Float64Array.from(share, (p) => Math.log(1 - p));
      off.forEach((value, k) => (base[k] += value));
      absent.set(feature, off);
      terms.set(feature, Float64Array.from(share, (p, k) => Math.log(p) - off[k]));
    } else {
      const size = (groupSizes.get(group) ?? 0) + 1;
      terms.set(feature, Float64Array.from(classes, (cls, k) => Math.log(((counts[cls] ?? 0) + alpha) / (n[k] + size * alpha))));
    }
  }
  /** The flags, each with its "absent" terms and its name in contributions, in the order of the counts. */
  const absentList = [...absent].map(([flag, off]) => ({ flag, off, name: `no ${flag}` }));
  const add = (scores: Float64Array, features: readonly string[]) => {
    for (const feature of features) {
      const term = terms.get(feature);
      if (term) for (let k = 0; k < scores.length; k += 1) scores[k] += term[k];
    }
    return scores;
  };
  const scorer: CategoricalScorer = {
    classes,
    scores: (features) => add(Float64Array.from(base), features),
    add,
    termsOf: (features) => features.flatMap((feature) => terms.get(feature) ?? []),
    probabilities(scores) {
      const out = Float64Array.from(scores);
      let best = -Infinity;
      for (const score of out) best = Math.max(best, score);
      let sum = 0;
      for (let k = 0; k < out.length; k += 1) sum += out[k] = Math.exp(out[k] - best);
      for (let k = 0; k < out.length; k += 1) out[k] /= sum;
      return out;
    },
    contributions(features, a, b, count = 5) {
      const i = classes.indexOf(a);
      const j = classes.indexOf(b);
      const of = (values: Float64Array) => (i < 0 ? 0 : values[i]) - (j < 0 ? 0 : values[j]);
      // The `count` largest by magnitude (ties: by name), kept in order as they come: no sort of every feature.
      const top: Array<{ feature: string; raw: number }> = [];
      const before = (x: { feature: string; raw: number }, y: { feature: string; raw: number }) =>
        Math.abs(x.raw) > Math.abs(y.raw) || (Math.abs(x.raw) === Math.abs(y.raw) && x.feature.localeCompare(y.feature) < 0);
      const offer = (feature: string, raw: number) => {
        const entry = { feature, raw };
        if (top.length === count && !before(entry, top[count - 1])) return;
        let at = top.length;
        while (at > 0 && before(entry, top[at - 1])) at -= 1;
        top.splice(at, 0, entry);
        if (top.length > count) top.pop();
      };
      // Each present feature once, in the order first given (a context has a dozen or two: a scan, not a Set).
      for (let k = 0; k < features.length; k += 1) {
        const feature = features[k];
        if (features.indexOf(feature) !== k) continue;
        const term = terms.get(feature);
        if (!term) continue;
        const off = absent.get(feature);
        offer(feature, of(term) + (off ? of(off) : 0));
      }
      for (const { flag, off, name } of absentList) if (!features.includes(flag)) offer(name, of(off));
      return top.map(({ feature, raw }) => ({ feature, contribution: Number(raw.toFixed(4)) }));
    },
  };
  scorers.set(model, scorer);
  return scorer;
}

/** P(class | features) by the categorical reading, as a record (the off-policy estimators' form). */
export function categoricalReader(model: NaiveBayes): (features: string[]) => Record<string, number> {
  const scorer = categoricalScorer(model);
  return (features) => {
    const p = scorer.probabilities(scorer.scores(features));
    return Object.fromEntries(scorer.classes.map((cls, k) => [cls, p[k]]));
  };
}

const FLAGS: readonly string[] = CONTEXT_FEATURES.filter((feature) => feature.kind === 'flag').map((feature) => feature.name);

/** A feature's group (the feature it is one value of), or null for words and flags (read present or absent). */
function groupOf(feature: string): string | null {
  if (feature.startsWith(WORD_PREFIX) || FLAGS.includes(feature)) return null;
  const bucket = /^([a-z_]+)(<|>=)[0-9.]+$/.exec(feature);
  if (bucket) return `${bucket[1]}<>`;
  // A category (brand=…, topic=…, action=…) or an action crossed with one (action=…|brand=…): up to its last name's '='.
  const equals = feature.indexOf('=', feature.lastIndexOf('|') + 1);
  return equals >= 0 ? feature.slice(0, equals + 1) : feature;
}

/** How many of the customers' words the propensity model keeps, and in how many training samples each must occur. */
export const KEPT_WORDS = 20;
export const MIN_WORD_SAMPLES = 3;

/**
 * The words the propensity model keeps: the KEPT_WORDS words with the highest mutual information with the agents'
 * action, among those in at least MIN_WORD_SAMPLES samples and not all digits (twcs writes other accounts as numbers,
 * which name one conversation, not a kind of request). A word is counted once per sample (recent_words is distinct),
 * so its counts are the samples it occurs in. Ties: byte order. Measured on the real slice's time split, before the
 * guard-rails: every word read as a multinomial gave agreement 0.62 to 0.67 and macro-F1 0.23 to 0.36; these twenty
 * words as flags, 0.68 and 0.39 (README, evaluate, has the figures the product gives).
 */
export function keptWords(counts: NaiveBayes['counts'], priors: Record<string, number>): string[] {
  const classes = Object.keys(priors);
  const total = classes.reduce((sum, cls) => sum + priors[cls], 0);
  const scored: Array<{ word: string; information: number }> = [];
  for (const [feature, byClass] of Object.entries(counts)) {
    if (!feature.startsWith(WORD_PREFIX) || /^[0-9]+$/.test(feature.slice(WORD_PREFIX.length))) continue;
    const present = classes.reduce((sum, cls) => sum + (byClass[cls] ?? 0), 0);
    if (present < MIN_WORD_SAMPLES || present >= total) continue;
    let information = 0;
    for (const cls of classes) {
      for (const [joint, marginal] of [[byClass[cls] ?? 0, present], [priors[cls] - (byClass[cls] ?? 0), total - present]]) {
        if (joint > 0) information += (joint / total) * Math.log((joint * total) / (marginal * priors[cls]));
      }
    }
    scored.push({ word: feature, information });
  }
  return scored
    .sort((a, b) => b.information - a.information || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0))
    .slice(0, KEPT_WORDS)
    .map(({ word }) => word);
}

/**
 * The context features the off-policy estimators read: all but the words. An estimator needs calibrated propensities,
 * and the kept words, each a present-or-absent fact, still repeat what the topic says: on `generate --outcomes` data,
 * whose agents act on the topic alone, reading them made the behaviour propensities too sure and the intervals missed
 * the true value. A decision needs the ranking, which the words improve (see keptWords).
 */
export function estimatorFeatures(context: ModelContext): string[] {
  return contextFeatures(context).filter((feature) => !feature.startsWith(WORD_PREFIX));
}
