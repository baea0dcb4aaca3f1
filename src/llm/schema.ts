// What the model must return: a message and a reasoning, nothing else. Enforced as structured output where the
// provider supports it, and always validated here.
import { z } from 'zod';

export const llmOutputSchema = z
  .object({
    message: z.string().trim().min(1).max(1200),
    reasoning: z.string().trim().min(1).max(1200),
  })
  .strict();

export type LlmOutput = z.infer<typeof llmOutputSchema>;

/** The same contract as a JSON Schema, for response_format json_schema (strict). */
export const LLM_OUTPUT_JSON_SCHEMA = {
  name: 'next_best_action_text',
  strict: true,
  schema: {
    type: 'object',
    properties: {
      message: { type: 'string', description: 'The message to send to the customer on the chosen channel.' },
      reasoning: { type: 'string', description: 'Why this action, in one or two sentences, for the support lead.' },
    },
    required: ['message', 'reasoning'],
    additionalProperties: false,
  },
} as const;
