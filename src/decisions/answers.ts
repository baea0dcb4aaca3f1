// serve's answer for one customer: the policy's decision (single.ts) in the API's shape, with its receipt, rewritten by
// the LLM when one is configured and it answers before the deadline. With a model, an answer is kept for a while so an identical
// request reuses it; a model call that misses the deadline goes on and fills the model's own cache for the next one.
import type { Enhancer } from '../llm/enhance.js';
import type { CustomerRecord } from '../stores/index.js';
import type { RuleSet } from './rules.schema.js';
import { decideForCustomer, RULES_ONLY, type CustomerDecision, type PolicyChoice } from './single.js';

export function toAnswer(decision: CustomerDecision) {
  const action = decision.action;
  return {
    customer_id: decision.customer_id,
    conversation_id: decision.conversation_id,
    channel: action?.channel ?? 'no_action',
    message: action?.message ?? '',
    send_time: action?.send_time ? action.send_time.toISOString() : null,
    reasoning: action ? action.reasoning : `No action: ${decision.why}.`,
    issue_status: action?.issue_status ?? 'resolved',
    rule_id: action?.rule_id ?? 'nothing_open',
    llm_status: 'off' as string,
    as_of: decision.as_of,
    features: decision.features,
    /** null when nothing is open (no decision was made). */
    receipt: action?.receipt ?? null,
  };
}

export type Answer = ReturnType<typeof toAnswer>;

export interface AnswerOptions {
  /** The customer's profile and open conversations; null for a customer the data does not know. */
  customer: (customerId: string) => CustomerRecord | null;
  rules: RuleSet;
  /** The policy and its model (default: the rules alone). */
  policy?: PolicyChoice;
  platform: string;
  /** Rewrites messages when a model is configured. */
  enhancer?: Enhancer | null;
  /** A conversation's chat log, for the model's prompt. */
  chatLog: (conversationId: string, platform: string) => Promise<string>;
  /** How long a request waits for the model (default 3 s). */
  deadlineMs?: number;
  /** How long an identical request reuses the answer it got (default 5 minutes). */
  ttlMs?: number;
  /** Called for each answer decided (not for one reused). */
  onAnswer?: (answer: Answer) => void;
}

export interface Answers {
  /** null for a customer the data does not know. */
  answer(customerId: string): Promise<Answer | null>;
}

export function createAnswers(options: AnswerOptions): Answers {
  const kept = new Map<string, { expires: number; answer: Answer }>();
  const ttl = options.ttlMs ?? 5 * 60_000;
  const deadline = options.deadlineMs ?? 3000;
  const enhancer = options.enhancer ?? null;

  const decided = (customerId: string): Answer | null => {
    const record = options.customer(customerId);
    return record ? toAnswer(decideForCustomer(customerId, record, options.rules, options.policy ?? RULES_ONLY)) : null;
  };

  /** The model's rewrite of the message, or 'timeout' when it does not answer before the deadline. */
  const rewrite = async (customerId: string, answer: Answer & { conversation_id: string }) => {
    const conversation = options.customer(customerId)?.conversations.find((c) => c.conversation_id === answer.conversation_id);
    const input = {
      conversation_id: answer.conversation_id,
      customer_id: customerId,
      brand: (conversation?.brand as string | null | undefined) ?? null,
      channel: answer.channel,
      rule_id: answer.rule_id,
      issue_status: answer.issue_status,
      send_time: answer.send_time,
      topic: String(answer.features.topic ?? 'other'),
      fired: {},
      chat_log: await options.chatLog(answer.conversation_id, options.platform),
      message: answer.message,
      reasoning: answer.reasoning,
    };
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadline).unref());
    return Promise.race([enhancer!.enhance(input), timeout]);
  };

  return {
    async answer(customerId) {
      const cached = enhancer ? kept.get(customerId) : undefined;
      if (cached && cached.expires > Date.now()) return cached.answer;
      const answer = decided(customerId);
      if (!answer) return null;
      if (enhancer && answer.channel !== 'no_action' && answer.conversation_id) {
        const result = await rewrite(customerId, { ...answer, conversation_id: answer.conversation_id });
        if (result === 'timeout') answer.llm_status = 'timeout';
        else Object.assign(answer, { message: result.message, reasoning: result.reasoning, llm_status: result.status });
      }
      options.onAnswer?.(answer);
      if (enhancer && answer.llm_status !== 'timeout') kept.set(customerId, { expires: Date.now() + ttl, answer });
      return answer;
    },
  };
}
