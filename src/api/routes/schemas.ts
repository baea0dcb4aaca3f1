// JSON schemas the routes share: request fields are validated (no coercion), responses serialised from these, and the
// OpenAPI document built from them (tags, a description per status, examples from examples/twcs_sample.csv).
import { CONVERSATIONS, CUSTOMER_PROFILES, type Column } from '../../model/schema.js';

/** The groups of the OpenAPI document, in the order the docs page shows them. */
export const TAGS = [
  { name: 'decisions', description: 'The next best action for one customer or a batch.' },
  { name: 'customers', description: 'What serve holds for a customer: the profile and the open conversations.' },
  { name: 'operations', description: 'Liveness and readiness, for a load balancer or an orchestrator.' },
];

/** A customer of examples/twcs_sample.csv, with one open, escalating conversation. */
export const SAMPLE_CUSTOMER_ID = '115712';

export const CUSTOMER_ID = { type: 'string', minLength: 1, maxLength: 128, examples: [SAMPLE_CUSTOMER_ID] } as const;

/** An ISO 8601 UTC time; a Date is written as `2017-11-01T21:00:00.000Z`. */
const TIME = { type: 'string', format: 'date-time', examples: ['2017-11-01T21:00:00.000Z'] } as const;

/**
 * Every error, whatever the route and status: a snake_case code and a sentence; a 400 also names the `field`, a 500
 * gives the `request_id` to find in the logs.
 */
function errorResponse(description: string, code: string, message: string, extra: Record<string, unknown> = {}) {
  return {
    description,
    type: 'object',
    required: ['error', 'message'],
    additionalProperties: true,
    properties: {
      error: { type: 'string', description: 'A stable snake_case code.' },
      message: { type: 'string', description: 'What went wrong, and what to do.' },
      field: { type: 'string', description: 'The request field at fault (400 only).' },
      request_id: { type: 'string', description: 'The id to look for in the logs (500 only).' },
    },
    examples: [{ error: code, message, ...extra }],
  } as const;
}

export const ERRORS = {
  400: errorResponse('The body is malformed, has a field it should not, or misses one: `field` names it.', 'bad_request', 'customer_id: must be string', { field: 'customer_id' }),
  401: errorResponse('No bearer key, or not one of RIVERLINE_API_KEYS (only when keys are set).', 'unauthorized', 'Send Authorization: Bearer <key> with one of the keys in RIVERLINE_API_KEYS.'),
  404: errorResponse('No such customer in the data.', 'not_found', `No customer nobody in the data.`),
  413: errorResponse('The body is over 16 KB.', 'payload_too_large', 'The body is over 16 KB.'),
  429: errorResponse(
    'Too many requests for this key in the minute, or too many failed keys from this address; Retry-After says when to try again.',
    'rate_limited',
    'Rate limit exceeded, retry in 1 minute',
  ),
} as const;

/** The errors any data route can answer, beside its own. */
export const GUARDED = { 401: ERRORS[401], 429: ERRORS[429] } as const;

/** What a JSON column of the profile or a conversation holds; a JSON column not listed here is documented as any JSON. */
const JSON_COLUMNS: Record<string, object> = {
  active_hours: { type: 'array', items: { type: 'integer' }, description: 'Messages per hour of the day (UTC), 24 counts.' },
  peak_hours: { type: 'array', items: { type: 'integer' }, description: 'The busiest hours of the day (UTC).', examples: [[21, 22]] },
  channels_accepted: { type: 'array', items: { type: 'string' } },
  urgency_terms: { type: 'array', items: { type: 'string' } },
  escalation_terms: { type: 'array', items: { type: 'string' }, examples: [['worst']] },
  topic_terms: { type: 'array', items: { type: 'string' } },
  customer_moved_to: { type: 'array', items: { type: 'string' } },
  recent_words: { type: 'array', items: { type: 'string' } },
};

function columnSchema(column: Column): object {
  const nullable = (type: string) => (column.nullable ? [type, 'null'] : type);
  switch (column.type) {
    case 'text':
      return { type: nullable('string') };
    case 'int':
      return { type: nullable('integer') };
    case 'float':
      return { type: nullable('number') };
    case 'bool':
      return { type: nullable('boolean') };
    case 'timestamp':
      return { ...TIME, type: nullable('string') };
    case 'json':
      return JSON_COLUMNS[column.name] ?? {};
  }
}

/** A stored row as JSON, its properties the table's columns (src/model/schema.ts), so the two never drift apart. */
function rowSchema(columns: readonly Column[], examples: Record<string, unknown> = {}) {
  return {
    type: 'object',
    required: columns.map((column) => column.name),
    properties: Object.fromEntries(
      columns.map((column) => {
        const schema = columnSchema(column);
        return [column.name, column.name in examples ? { ...schema, examples: [examples[column.name]] } : schema];
      }),
    ),
  };
}

export const CUSTOMER = {
  description: "The customer's profile (null when only open conversations are known) and open conversations.",
  type: 'object',
  properties: {
    customer_id: { ...CUSTOMER_ID },
    profile: { ...rowSchema(CUSTOMER_PROFILES.columns, { customer_id: SAMPLE_CUSTOMER_ID, platform_type: 'twitter' }), type: ['object', 'null'] },
    open_conversations: {
      type: 'array',
      items: rowSchema(CONVERSATIONS.columns, { customer_id: SAMPLE_CUSTOMER_ID, conversation_id: 'e6d686416cd96e7191f4d6e6409762c5', brand: 'sprintcare', resolution_status: 'open' }),
    },
  },
} as const;

/** Why a decision was made (src/decisions/policy.ts Receipt); null when nothing is open. */
export const RECEIPT = {
  type: ['object', 'null'],
  description: 'Why this channel: the policy and model, each action with its eligibility, propensity and expected value, the features that moved the choice most, and the guard-rails that applied.',
  properties: {
    policy: { type: 'string', enum: ['rules', 'imitate', 'learned'] },
    model_id: { type: ['string', 'null'] },
    layer: { type: 'string', enum: ['outcome', 'propensity', 'rules'], description: 'Which layer chose: the outcome model (expected value), the propensity model, or the rules.' },
    actions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          action: { type: 'string' },
          eligible: { type: 'boolean' },
          propensity: { type: ['number', 'null'], description: 'P(action | context) under the propensity model.' },
          expected_value: { type: ['number', 'null'], description: 'P(resolved | context, action) x value - cost, for an eligible action.' },
        },
      },
    },
    top_features: {
      type: 'array',
      items: { type: 'object', properties: { feature: { type: 'string' }, contribution: { type: 'number', description: 'log-odds' } } },
    },
    guard_rails: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const DECISION = {
  description: "The action for the customer's open conversation, or `no_action` with the reason when nothing is open.",
  type: 'object',
  properties: {
    customer_id: { ...CUSTOMER_ID },
    conversation_id: { type: ['string', 'null'], examples: ['e6d686416cd96e7191f4d6e6409762c5'] },
    channel: { type: 'string', examples: ['scheduling_phone_call'] },
    message: {
      type: 'string',
      examples: ['@115712 Thanks for reaching out. This needs a proper conversation: please send us a DM with a good time to call you, and one of our specialists will ring you then.'],
    },
    send_time: { ...TIME, type: ['string', 'null'] },
    reasoning: { type: 'string', examples: ['Rule escalate_to_phone fired (A long or escalating conversation needs a person on the phone.) on is_escalating=true, customer_messages=4, message_count=7; topic other. Send at 2017-11-01T21:00:00.000Z.'] },
    issue_status: { type: 'string', examples: ['escalated'] },
    rule_id: { type: 'string', examples: ['escalate_to_phone'] },
    llm_status: { type: 'string', examples: ['off'] },
    as_of: { ...TIME, type: ['string', 'null'], examples: ['2017-11-01T15:54:37.000Z'] },
    features: { type: 'object', additionalProperties: true, examples: [{ message_count: 7, customer_messages: 4, is_escalating: true, topic: 'other' }] },
    receipt: RECEIPT,
  },
} as const;

/** The media type of an Arrow IPC stream, which the batch route answers when the Accept header asks for it. */
export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** The batch answer as Arrow: the same predictions, one row each; the unknown ids in the schema metadata. */
export const ARROW_BATCH = {
  type: 'string',
  format: 'binary',
  description:
    'An Arrow IPC stream (`Accept: application/vnd.apache.arrow.stream`): one row per prediction with the JSON fields as columns, ' +
    'send_time and as_of as Timestamp(ms, UTC), features and receipt as JSON text; the schema metadata `not_found` holds the unknown ids as a JSON array. ' +
    'pyarrow reads it with `pa.ipc.open_stream`, polars with `pl.read_ipc_stream`.',
} as const;

export const BATCH = {
  description: 'The decisions for the known customers, in the order first asked for, and the ids the data does not know.',
  type: 'object',
  properties: {
    predictions: { type: 'array', items: DECISION },
    not_found: { type: 'array', items: { type: 'string' }, examples: [['nobody']] },
  },
} as const;
