// A learned model is data: counts of (feature, class) from the brand replies in the store, with which any engine
// (DuckDB and ClickHouse SQL at training, TypeScript in predict and serve) scores a context the same way.
// Two naive Bayes models (closed form: counts plus Laplace smoothing, no optimizer):
//  - propensity: P(action | context), how this brand's agents act;
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

function bucketLabel(name: string, upper: readonly number[], value: number): string {
  for (const bound of upper) if (value < bound) return `${name}<${bound}`;
  return `${name}>=${upper[upper.length - 1]}`;
}

/** The features of a context (TypeScript). */
export function contextFeatures(context: ModelContext): string[] {
  const out: string[] = [];
  for (const feature of CONTEXT_FEATURES) {
    const value = context[feature.input];
    if (feature.kind === 'category') out.push(`${feature.name}=${value ?? ''}`);
    else if (feature.kind === 'flag') {
      if (value === true) out.push(feature.name);
    } else if (typeof value === 'number') out.push(bucketLabel(feature.name, feature.upper, value));
  }
  for (const word of new Set(context.recent_words ?? [])) out.push(`${WORD_PREFIX}${word}`);
  return out;
}

export type Dialect = 'duckdb' | 'clickhouse';

/**
 * SQL: a list of the context's feature strings, from columns named as the ModelContext fields. Names and thresholds
 * come from this module, never from user text.
 */
export function contextFeaturesSql(dialect: Dialect): string {
  const items = CONTEXT_FEATURES.map((feature) => {
    if (feature.kind === 'category') return `concat('${feature.name}=', coalesce(${feature.input}, ''))`;
    if (feature.kind === 'flag') return `CASE WHEN ${feature.input} THEN '${feature.name}' END`;
    const cases = feature.upper.map((bound) => `WHEN ${feature.input} < ${bound} THEN '${feature.name}<${bound}'`).join(' ');
    return `CASE WHEN ${feature.input} IS NULL THEN NULL ${cases} ELSE '${feature.name}>=${feature.upper[feature.upper.length - 1]}' END`;
  });
  if (dialect === 'duckdb') {
    return `list_concat(list_filter([${items.join(', ')}], f -> f IS NOT NULL), list_transform(list_distinct(coalesce(recent_words, [])), w -> '${WORD_PREFIX}' || w))`;
  }
  return `arrayConcat(arrayFilter(f -> f IS NOT NULL, [${items.join(', ')}]), arrayMap(w -> concat('${WORD_PREFIX}', w), arrayDistinct(ifNull(recent_words, []))))`;
}

/** The outcome model's features: the context's, the action, and the action crossed with the brand and the topic. */
export function outcomeFeatures(context: string[], action: Action): string[] {
  const crossed = context.filter((f) => f.startsWith('brand=') || f.startsWith('topic=')).map((f) => `action=${action}|${f}`);
  return [...context, `action=${action}`, ...crossed];
}

/** The context features outcomeFeatures crosses with the action. */
export const CROSSED_PREFIXES = ['brand=', 'topic='] as const;

/**
 * SQL: outcomeFeatures of a context list `context` and an action `action` (two SQL expressions), in either dialect;
 * a test checks it gives what the TypeScript gives.
 */
export function outcomeFeaturesSql(dialect: Dialect, context: string, action: string): string {
  const crossed = (f: string) => CROSSED_PREFIXES.map((prefix) => `startsWith(${f}, '${prefix}')`).join(' OR ');
  if (dialect === 'duckdb') {
    return `list_concat(${context}, ['action=' || ${action}], list_transform(list_filter(${context}, f -> ${crossed('f').replace(/startsWith/g, 'starts_with')}), f -> 'action=' || ${action} || '|' || f))`;
  }
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

function logLikelihood(model: NaiveBayes, feature: string, cls: string): number {
  const count = model.counts[feature]?.[cls] ?? 0;
  return Math.log((count + model.alpha) / ((model.totals[cls] ?? 0) + model.alpha * Math.max(model.vocabulary, 1)));
}

export interface Posterior {
  /** P(class | features), summing to 1. */
  probabilities: Record<string, number>;
  /** Each known feature's log-likelihood per class (unknown features carry no evidence and are left out). */
  evidence: Array<{ feature: string; log: Record<string, number> }>;
}

/** The posterior over classes; features never seen in training are ignored, as at training time. */
export function posterior(model: NaiveBayes, features: string[]): Posterior {
  const total = model.classes.reduce((sum, cls) => sum + (model.priors[cls] ?? 0), 0);
  const scores: Record<string, number> = {};
  for (const cls of model.classes) scores[cls] = Math.log(((model.priors[cls] ?? 0) + model.alpha) / (total + model.alpha * model.classes.length));
  const evidence: Posterior['evidence'] = [];
  for (const feature of new Set(features)) {
    if (!model.counts[feature]) continue;
    const log: Record<string, number> = {};
    for (const cls of model.classes) {
      log[cls] = logLikelihood(model, feature, cls);
      scores[cls] += log[cls];
    }
    evidence.push({ feature, log });
  }
  const best = Math.max(...Object.values(scores));
  const exp = Object.fromEntries(model.classes.map((cls) => [cls, Math.exp(scores[cls] - best)]));
  const sum = Object.values(exp).reduce((a, b) => a + b, 0);
  return { probabilities: Object.fromEntries(model.classes.map((cls) => [cls, exp[cls] / sum])), evidence };
}

/** The features that moved the choice of `chosen` over `other` most, with their contribution in log-odds. */
export function topContributions(post: Posterior, chosen: string, other: string, count = 5): Array<{ feature: string; contribution: number }> {
  return post.evidence
    .map(({ feature, log }) => ({ feature, contribution: Number(((log[chosen] ?? 0) - (log[other] ?? 0)).toFixed(4)) }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature))
    .slice(0, count);
}

/**
 * A calibrated reading of a naive Bayes count table: a categorical naive Bayes over the context features, each
 * feature's share of the class's samples (a category or bucket as one of its values, a flag as present or absent),
 * without the word features. `posterior` reads the same counts as a multinomial over every feature, words included,
 * whose probabilities are far too extreme: a message's words mostly repeat one fact (its topic) and each counts as
 * independent evidence, and smoothing over the whole vocabulary pushes a small class towards zero. Measured: as the
 * behaviour propensity, on `generate --outcomes` data IPS came out above 1 and missed the true value, and on the real
 * slice e-mail replies (9% of them) got a mean propensity of 0.0003; read this way the intervals cover the truth
 * (test/integration/ground-truth.test.ts). As P(resolved | context, action) `posterior` saturates near 0 or 1 so the
 * costs decide; read this way, `learned` chose a DM for billing and account issues of that data (true resolution rate
 * 0.452 against 0.409). Features never seen in training carry no evidence. The off-policy estimates use it.
 */
export function categoricalReader(model: NaiveBayes): (features: string[]) => Record<string, number> {
  const groupSizes = new Map<string, number>();
  for (const feature of Object.keys(model.counts)) {
    const group = groupOf(feature);
    if (group !== null) groupSizes.set(group, (groupSizes.get(group) ?? 0) + 1);
  }
  const total = model.classes.reduce((sum, cls) => sum + (model.priors[cls] ?? 0), 0);
  return (features) => {
    const present = new Set(features);
    const scores = model.classes.map((cls) => {
      const n = model.priors[cls] ?? 0;
      let score = Math.log((n + model.alpha) / (total + model.alpha * model.classes.length));
      for (const feature of present) {
        const group = groupOf(feature);
        if (group === null || !model.counts[feature]) continue;
        const size = (groupSizes.get(group) ?? 0) + 1;
        score += Math.log(((model.counts[feature][cls] ?? 0) + model.alpha) / (n + size * model.alpha));
      }
      for (const flag of FLAGS) {
        if (!model.counts[flag]) continue;
        const share = ((model.counts[flag][cls] ?? 0) + model.alpha) / (n + 2 * model.alpha);
        score += Math.log(present.has(flag) ? share : 1 - share);
      }
      return score;
    });
    const best = Math.max(...scores);
    const exp = scores.map((score) => Math.exp(score - best));
    const sum = exp.reduce((a, b) => a + b, 0);
    return Object.fromEntries(model.classes.map((cls, i) => [cls, exp[i] / sum]));
  };
}

const FLAGS: readonly string[] = CONTEXT_FEATURES.filter((feature) => feature.kind === 'flag').map((feature) => feature.name);

/** A feature's group (the feature it is one value of), or null for words and flags (flags are read present or absent). */
function groupOf(feature: string): string | null {
  if (feature.startsWith(WORD_PREFIX) || FLAGS.includes(feature)) return null;
  const bucket = /^([a-z_]+)(<|>=)[0-9.]+$/.exec(feature);
  if (bucket) return `${bucket[1]}<>`;
  // A category (brand=…, topic=…, action=…) or an action crossed with one (action=…|brand=…): up to its last name's '='.
  const equals = feature.indexOf('=', feature.lastIndexOf('|') + 1);
  return equals >= 0 ? feature.slice(0, equals + 1) : feature;
}

/** The model's context features without the words (see categoricalReader). */
export function estimatorFeatures(context: ModelContext): string[] {
  return contextFeatures(context).filter((feature) => !feature.startsWith(WORD_PREFIX));
}
