// JSON schemas the routes share: request fields are validated (no coercion), responses serialised from these.
export const CUSTOMER_ID = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const NOT_FOUND = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;

export const DECISION = {
  type: 'object',
  properties: {
    customer_id: { type: 'string' },
    conversation_id: { type: ['string', 'null'] },
    channel: { type: 'string' },
    message: { type: 'string' },
    send_time: { type: ['string', 'null'] },
    reasoning: { type: 'string' },
    issue_status: { type: 'string' },
    rule_id: { type: 'string' },
    llm_status: { type: 'string' },
    as_of: { type: ['string', 'null'] },
    features: { type: 'object', additionalProperties: true },
  },
} as const;
