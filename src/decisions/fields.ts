// The closed set of features a rule may test: conversation features plus a few derived ones and the profile's.
// Rules name fields from this list only, so compiled SQL interpolates no user text.

export type FieldType = 'number' | 'boolean' | 'text';

export const DECISION_FIELDS = {
  message_count: 'number',
  customer_messages: 'number',
  brand_messages: 'number',
  turns: 'number',
  last_speaker: 'text',
  awaiting_reply_from: 'text',
  first_response_minutes: 'number',
  median_response_minutes: 'number',
  hours_since_last_customer_message: 'number',
  customer_sentiment_start: 'number',
  customer_sentiment_end: 'number',
  sentiment_trend: 'number',
  topic: 'text',
  brand_asked_dm: 'boolean',
  brand_asked_email: 'boolean',
  brand_asked_phone: 'boolean',
  is_urgent: 'boolean',
  is_escalating: 'boolean',
  customer_moved_to_dm: 'boolean',
  customer_conversations: 'number',
  customer_resolution_rate: 'number',
} as const satisfies Record<string, FieldType>;

export type DecisionField = keyof typeof DECISION_FIELDS;

/** Own keys only: `name in DECISION_FIELDS` would also accept constructor, hasOwnProperty, __proto__, ... */
export function isDecisionField(name: string): name is DecisionField {
  return Object.hasOwn(DECISION_FIELDS, name);
}

/** One conversation's decision features, as the engine sees them (null where a feature has no value). */
export type DecisionFeatures = { [K in DecisionField]: (typeof DECISION_FIELDS)[K] extends 'number' ? number | null : (typeof DECISION_FIELDS)[K] extends 'boolean' ? boolean : string };

/**
 * The features of a DuckDB row (batch predict reads its decisions as JSON rows, where BIGINT arrives as text), each of
 * the type its field declares. Fields the row lacks are left out.
 */
export function featuresOfDuckDbRow(row: Record<string, unknown>): Partial<DecisionFeatures> {
  // A loop over the fields, not over the row's keys: batch predict calls this for every open conversation.
  const features: Record<string, unknown> = {};
  for (const [field, type] of FIELD_TYPES) {
    if (!Object.hasOwn(row, field)) continue;
    const value = row[field];
    features[field] = value === null || value === undefined ? null : type === 'number' ? Number(value) : type === 'boolean' ? value === true : String(value);
  }
  return features as Partial<DecisionFeatures>;
}

const FIELD_TYPES = Object.entries(DECISION_FIELDS) as Array<[DecisionField, FieldType]>;

/** A name compiled into code (the readers below, single.ts): a plain identifier, as every column and field of this code is. */
export function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`${JSON.stringify(name)} is not a plain identifier`);
  return name;
}

/**
 * featuresOfDuckDbRow for rows whose columns are exactly `columns`, compiled once into one object literal: batch
 * predict's compose workers read 600,000 rows of the same columns, and a literal has one shape and reads each column
 * directly, where the loop read and wrote by key. Names come from the predict job's own SQL (checked as identifiers).
 */
export function featureReader(columns: readonly string[]): (row: Record<string, unknown>) => Partial<DecisionFeatures> {
  const present = new Set(columns);
  const items = FIELD_TYPES.filter(([field]) => present.has(field)).map(([field, type]) => {
    const value = `row.${identifier(field)}`;
    const typed = type === 'number' ? `Number(${value})` : type === 'boolean' ? `${value} === true` : `String(${value})`;
    return `${field}: ${value} === null || ${value} === undefined ? null : ${typed}`;
  });
  return new Function('row', `return { ${items.join(', ')} };`) as (row: Record<string, unknown>) => Partial<DecisionFeatures>;
}

/** A row object of a result's columns (`columns[i][j]` is column i of row j), compiled once per column list as one literal. */
export function rowReader(names: readonly string[]): (columns: unknown[][], j: number) => Record<string, unknown> {
  const items = names.map((name, i) => `${identifier(name)}: columns[${i}][j]`);
  return new Function('columns', 'j', `return { ${items.join(', ')} };`) as (columns: unknown[][], j: number) => Record<string, unknown>;
}
