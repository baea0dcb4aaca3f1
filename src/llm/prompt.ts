// The request sent to the model: the rule decision, the features, a summary and the (redacted) chat history.
// The channel is decided by the rules; the model writes words, not decisions.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { redact } from './redact.js';

export interface EnhanceInput {
  conversation_id: string;
  customer_id: string;
  brand: string | null;
  channel: string;
  rule_id: string;
  issue_status: string;
  send_time: string | null;
  topic: string;
  fired: Record<string, unknown>;
  chat_log: string;
  /** The rule-based message and reasoning, also the fallback. */
  message: string;
  reasoning: string;
}

const SYSTEM = [
  'You write the next message a customer support agent sends, and explain why, for a support lead to review.',
  'The channel and timing are already decided by rules; do not change them or suggest another channel.',
  'Write in the brand voice: brief, warm, specific to the conversation, no promises you cannot keep, no personal data.',
  'For a public reply keep it under 280 characters. Reply with JSON only: {"message": string, "reasoning": string}.',
].join(' ');

export function buildMessages(input: EnhanceInput): ChatCompletionMessageParam[] {
  const facts = {
    brand: input.brand,
    channel: input.channel,
    rule: input.rule_id,
    expected_status_after: input.issue_status,
    send_time: input.send_time,
    topic: input.topic,
    evidence: input.fired,
    draft_message: redact(input.message),
    draft_reasoning: redact(input.reasoning),
  };
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Decision:\n${JSON.stringify(facts, null, 2)}\n\nConversation (oldest first):\n${redact(input.chat_log)}` },
  ];
}
