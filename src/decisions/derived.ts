// The derived decision features (is_urgent, is_escalating, customer_moved_to_dm), defined once, as data, and written
// from that data in both dialects: DuckDB SQL for batch predict and the backtest, TypeScript for serve's single decision.
// A feature holds when any of its terms holds; a missing input (NULL) holds not, so a derived feature is never NULL.

/** The yes/no inputs a derived feature reads; where they come from differs (a stored conversation, or the messages before a reply). */
export const SIGNALS = ['urgent', 'escalating', 'moved_to_dm'] as const;
export type Signal = (typeof SIGNALS)[number];

export type DerivedInput = Signal | 'sentiment_trend';

type Term = { signal: Signal } | { number: 'sentiment_trend'; atMost: number };

export const DERIVED_FEATURES = {
  /** A customer message used an urgency term. */
  is_urgent: [{ signal: 'urgent' }],
  /** An escalation term, or the customer's sentiment falling by half a point or more from their first message to their last. */
  is_escalating: [{ signal: 'escalating' }, { number: 'sentiment_trend', atMost: -0.5 }],
  /** The brand asked for a DM and the customer moved there. */
  customer_moved_to_dm: [{ signal: 'moved_to_dm' }],
} as const satisfies Record<string, readonly Term[]>;

export type DerivedFeature = keyof typeof DERIVED_FEATURES;

type StoredList = 'urgency_terms' | 'escalation_terms' | 'customer_moved_to';

/** The columns of a stored conversation the derived features read. */
export type StoredConversationInputs = Partial<Record<StoredList | 'sentiment_trend', unknown>>;

/** Where a stored conversation keeps each signal: a JSON list (of terms, or of channels) that is not empty, or names a channel. */
const STORED_SIGNALS: Record<Signal, { list: StoredList; includes?: string }> = {
  urgent: { list: 'urgency_terms' },
  escalating: { list: 'escalation_terms' },
  moved_to_dm: { list: 'customer_moved_to', includes: 'twitter_dm' },
};

const entries = <K extends string, V>(record: Record<K, V>) => Object.entries(record) as Array<[K, V]>;

/**
 * DuckDB: `expr AS is_urgent, ...`, one select item per derived feature. `inputs` gives the SQL expression of each input
 * (default: a column of that name). Names and expressions come from this module and its callers, never from user text.
 */
export function derivedFeaturesSql(inputs: Partial<Record<DerivedInput, string>> = {}): string {
  const input = (name: DerivedInput) => inputs[name] ?? name;
  const term = (t: Term) => ('signal' in t ? `coalesce(${input(t.signal)}, false)` : `coalesce(${input(t.number)} <= ${t.atMost}, false)`);
  return entries(DERIVED_FEATURES)
    .map(([feature, terms]) => `${terms.length === 1 ? term(terms[0]) : `(${terms.map(term).join(' OR ')})`} AS ${feature}`)
    .join(',\n  ');
}

/** DuckDB: the signals of a stored conversation, from its columns (JSON lists as text). */
export const STORED_SIGNALS_SQL: Record<Signal, string> = Object.fromEntries(
  entries(STORED_SIGNALS).map(([signal, { list, includes }]) => [signal, includes ? `contains(${list}, '${includes}')` : `${list} <> '[]'`]),
) as Record<Signal, string>;

/** The derived features from their inputs (TypeScript); null or a missing input holds not. */
export function deriveFeatures(inputs: Partial<Record<DerivedInput, boolean | number | null>>): Record<DerivedFeature, boolean> {
  // Loops over lists made once: serve derives the features of every open conversation on every request.
  const derived: Record<string, boolean> = {};
  for (const [feature, terms] of DERIVED_LIST) {
    let any = false;
    for (const t of terms) {
      const value = 'signal' in t ? inputs[t.signal] === true : atMost(inputs[t.number], t.atMost);
      if (value) {
        any = true;
        break;
      }
    }
    derived[feature] = any;
  }
  return derived as Record<DerivedFeature, boolean>;
}

const atMost = (value: unknown, bound: number): boolean => typeof value === 'number' && value <= bound;
const DERIVED_LIST = entries(DERIVED_FEATURES) as Array<[DerivedFeature, readonly Term[]]>;
const STORED_SIGNAL_LIST = entries(STORED_SIGNALS);

/** ClickHouse hands JSON columns over as text, node-postgres as parsed values: compare them as text. */
const jsonText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The derived features of one stored conversation (TypeScript), as STORED_SIGNALS_SQL and derivedFeaturesSql compute them in DuckDB. */
export function storedConversationFeatures(conversation: StoredConversationInputs): Record<DerivedFeature, boolean> {
  const signal = ({ list, includes }: { list: StoredList; includes?: string }): boolean | null => {
    const value = conversation[list];
    if (value === null || value === undefined) return null;
    // A parsed list is read as its JSON text would be, without writing the text.
    if (Array.isArray(value)) return includes ? value.some((item) => JSON.stringify(item).includes(includes)) : value.length > 0;
    return includes ? jsonText(value).includes(includes) : jsonText(value) !== '[]';
  };
  const trend = conversation.sentiment_trend;
  const inputs: Partial<Record<DerivedInput, boolean | number | null>> = {};
  for (const [name, where] of STORED_SIGNAL_LIST) inputs[name] = signal(where);
  inputs.sentiment_trend = trend === null || trend === undefined ? null : Number(trend);
  return deriveFeatures(inputs);
}
