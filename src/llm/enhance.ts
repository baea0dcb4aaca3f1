// The LLM enhancement layer: rewrites the rule-based message and reasoning with a model, never the channel.
// Every failure ends in the rule-based text with llm_status "fallback" and the reason; the run never stops for it
// unless the caller asked for --llm required and the model cannot be reached at all.
import OpenAI, { AzureOpenAI } from 'openai';
import pLimit from 'p-limit';
import type { LlmConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { LlmCache } from './cache.js';
import { buildMessages, type EnhanceInput } from './prompt.js';
import { LLM_OUTPUT_JSON_SCHEMA, llmOutputSchema, type LlmOutput } from './schema.js';

export const LLM_MODES = ['auto', 'off', 'required'] as const;
export type LlmMode = (typeof LLM_MODES)[number];

export type LlmStatus = 'enhanced' | 'fallback' | 'off';

export interface Enhanced {
  status: Exclude<LlmStatus, 'off'>;
  /** True when the answer came from the cache (no call paid). */
  cached: boolean;
  message: string;
  reasoning: string;
  /** Why the rule-based text was kept, for fallbacks. */
  reason?: string;
}

export interface LlmTotals {
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** USD, when the model's price is known. */
  cost_usd: number | null;
}

/** USD per million tokens (input, output), for the cost line; unknown models report tokens only. */
const PRICES: Record<string, [number, number]> = {
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4o': [2.5, 10],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1': [2, 8],
};

export function createLlmClient(config: LlmConfig): OpenAI {
  const common = { apiKey: config.apiKey, timeout: config.timeoutMs, maxRetries: config.maxRetries };
  if (config.provider === 'azure') {
    return new AzureOpenAI({ ...common, endpoint: config.endpoint, deployment: config.deployment, apiVersion: config.apiVersion });
  }
  return new OpenAI({ ...common, baseURL: config.baseURL });
}

export class Enhancer {
  readonly totals: LlmTotals = { calls: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: null };
  cachedHits = 0;
  private readonly limit;

  constructor(
    private readonly client: OpenAI,
    private readonly config: LlmConfig,
    private readonly cache: LlmCache,
  ) {
    this.limit = pLimit(config.concurrency);
  }

  /** Enhances many decisions with at most `concurrency` calls in flight; results keep the input order. */
  async enhanceAll(inputs: EnhanceInput[], onDone?: (done: number) => void): Promise<Enhanced[]> {
    let done = 0;
    return Promise.all(
      inputs.map((input) =>
        this.limit(async () => {
          const result = await this.enhance(input);
          onDone?.(++done);
          return result;
        }),
      ),
    );
  }

  async enhance(input: EnhanceInput): Promise<Enhanced> {
    const messages = buildMessages(input);
    const key = LlmCache.key({ model: this.config.model, messages });
    const cached = this.cache.get(key);
    if (cached) {
      this.cachedHits += 1;
      return { status: 'enhanced', cached: true, ...cached };
    }
    let lastProblem = '';
    // One retry for output that is not valid JSON or breaks the schema; transport retries are the SDK's (429/5xx, Retry-After).
    for (let attempt = 0; attempt < 2; attempt++) {
      let content: string | null | undefined;
      try {
        const completion = await this.client.chat.completions.create({
          model: this.config.model,
          messages,
          temperature: 0.3,
          response_format: { type: 'json_schema', json_schema: LLM_OUTPUT_JSON_SCHEMA },
        });
        this.count(completion.usage);
        content = completion.choices[0]?.message?.content;
      } catch (error) {
        return { status: 'fallback', cached: false, message: input.message, reasoning: input.reasoning, reason: describeFailure(error) };
      }
      const parsed = parseOutput(content);
      if (parsed.ok) {
        this.cache.set(key, parsed.value);
        return { status: 'enhanced', cached: false, ...parsed.value };
      }
      lastProblem = parsed.problem;
    }
    return { status: 'fallback', cached: false, message: input.message, reasoning: input.reasoning, reason: lastProblem };
  }

  /** Fails with one sentence when the model cannot be reached (for --llm required). */
  async check(): Promise<void> {
    try {
      await this.client.chat.completions.create({ model: this.config.model, messages: [{ role: 'user', content: 'Reply with {}' }], max_tokens: 5 });
    } catch (error) {
      const where = this.config.provider === 'azure' ? 'AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY' : 'OPENAI_BASE_URL and OPENAI_API_KEY';
      throw new UserError('llm_unreachable', `--llm required, but the model ${this.config.model} did not answer: ${describeFailure(error)}.`, {
        actions: [`Check ${where}, or run with --llm auto to keep the rule-based messages when the model is away.`],
        cause: error,
      });
    }
  }

  private count(usage: { prompt_tokens?: number; completion_tokens?: number } | undefined): void {
    this.totals.calls += 1;
    this.totals.prompt_tokens += usage?.prompt_tokens ?? 0;
    this.totals.completion_tokens += usage?.completion_tokens ?? 0;
    const price = PRICES[this.config.model];
    this.totals.cost_usd = price ? Number(((this.totals.prompt_tokens * price[0] + this.totals.completion_tokens * price[1]) / 1e6).toFixed(6)) : null;
  }
}

function parseOutput(content: string | null | undefined): { ok: true; value: LlmOutput } | { ok: false; problem: string } {
  if (!content) return { ok: false, problem: 'the model returned no content' };
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return { ok: false, problem: 'the model did not return valid JSON' };
  }
  const result = llmOutputSchema.safeParse(data);
  if (!result.success) return { ok: false, problem: `the model's JSON broke the schema (${result.error.issues.map((i) => `${i.path.join('.') || 'root'}: ${i.message}`).join('; ')})` };
  return { ok: true, value: result.data };
}

export function describeFailure(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'the request timed out';
  if (error instanceof OpenAI.APIConnectionError) return 'the model server could not be reached';
  if (error instanceof OpenAI.RateLimitError) return 'rate limited (429) after retries';
  if (error instanceof OpenAI.APIError) return `the model server answered ${error.status ?? 'an error'}`;
  return error instanceof Error ? error.message : String(error);
}
