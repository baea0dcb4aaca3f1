// JSON schemas the routes share: request fields are validated (no coercion), responses serialised from these.
export const CUSTOMER_ID = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const NOT_FOUND = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;

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
    receipt: RECEIPT,
  },
} as const;
