import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LlmConfig } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import { predict } from '../../src/decisions/predict.js';
import { LlmCache } from '../../src/llm/cache.js';
import { createLlmClient, Enhancer } from '../../src/llm/enhance.js';
import type { EnhanceInput } from '../../src/llm/prompt.js';
import { redact } from '../../src/llm/redact.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-llm-'));
let fake: FakeOpenAI | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const GOOD = JSON.stringify({ message: 'Hi! Sorry about the double charge, we are on it. Could you DM us?', reasoning: 'Billing complaint with no reply yet.' });

const input: EnhanceInput = {
  conversation_id: 'c-1',
  customer_id: '115712',
  brand: 'AcmeHelp',
  channel: 'twitter_public_reply',
  rule_id: 'public_first_reply',
  issue_status: 'pending_customer_response',
  send_time: '2017-11-01T16:09:37.000Z',
  topic: 'billing',
  fired: { brand_messages: 0 },
  chat_log: 'Customer: @AcmeHelp charged twice on card 4111 1111 1111 1111, mail me at jane.doe@example.com or call +1 (800) 555-0199 https://t.co/x',
  message: '@115712 rule-based message',
  reasoning: 'rule-based reasoning',
};

function llmConfig(url: string, overrides: Partial<LlmConfig> = {}): LlmConfig {
  return { provider: 'openai', apiKey: 'test-key', model: 'gpt-4o-mini', baseURL: url, concurrency: 4, timeoutMs: 5000, maxRetries: 2, ...overrides } as LlmConfig;
}

function enhancer(url: string, overrides: Partial<LlmConfig> = {}): Enhancer {
  const config = llmConfig(url, overrides);
  return new Enhancer(createLlmClient(config), config, new LlmCache(fs.mkdtempSync(path.join(dir, 'cache-'))));
}

describe('the LLM layer against a local OpenAI-compatible server', () => {
  it('rewrites the message and reasoning, asks for structured JSON, counts tokens and cost', async () => {
    fake = await startFakeOpenAI(() => ({ content: GOOD }));
    const llm = enhancer(fake.url);
    const result = await llm.enhance(input);
    expect(result).toMatchObject({ status: 'enhanced', cached: false, message: JSON.parse(GOOD).message });
    expect(fake.requests[0].body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'next_best_action_text', strict: true } });
    expect(llm.totals).toEqual({ calls: 1, prompt_tokens: 100, completion_tokens: 20, cost_usd: 0.000027 });
  });

  it('sends no e-mail address, phone, card number or URL to the model', async () => {
    fake = await startFakeOpenAI(() => ({ content: GOOD }));
    await enhancer(fake.url).enhance(input);
    const sent = JSON.stringify(fake.requests[0].body.messages);
    for (const secret of ['jane.doe@example.com', '4111', '555-0199', 'https://t.co/x']) expect(sent).not.toContain(secret);
    expect(sent).toContain('[email]');
    expect(sent).toContain('twitter_public_reply');
    expect(redact('order 112-3344556 and call 1-800-555-0199')).toBe('order [number] and call [number]');
  });

  it('retries once on output that is not JSON, then keeps the rule-based text', async () => {
    fake = await startFakeOpenAI(() => ({ content: 'Sure! Here is a message: hello' }));
    const result = await enhancer(fake.url).enhance(input);
    expect(result).toMatchObject({ status: 'fallback', message: input.message, reasoning: input.reasoning, reason: 'the model did not return valid JSON' });
    expect(fake.requests).toHaveLength(2);
  });

  it('falls back on JSON that breaks the schema, naming what was wrong', async () => {
    fake = await startFakeOpenAI(() => ({ content: JSON.stringify({ message: 'hi', channel: 'email_reply' }) }));
    const result = await enhancer(fake.url).enhance(input);
    expect(result.status).toBe('fallback');
    expect(result.reason).toMatch(/broke the schema.*reasoning/);
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    fake = await startFakeOpenAI((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' }, raw: '{"error":{"message":"slow down"}}' } : { content: GOOD }));
    const started = Date.now();
    const result = await enhancer(fake.url).enhance(input);
    expect(result.status).toBe('enhanced');
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1].at - fake.requests[0].at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('falls back when the model is slower than the timeout', async () => {
    fake = await startFakeOpenAI(() => ({ content: GOOD, delayMs: 2000 }));
    const result = await enhancer(fake.url, { timeoutMs: 300, maxRetries: 0 }).enhance(input);
    expect(result).toMatchObject({ status: 'fallback', reason: 'the request timed out' });
  });

  it('falls back on a server error after the retries', async () => {
    fake = await startFakeOpenAI(() => ({ status: 500, raw: '{"error":{"message":"boom"}}' }));
    const result = await enhancer(fake.url, { maxRetries: 1 }).enhance(input);
    expect(result).toMatchObject({ status: 'fallback', reason: 'the model server answered 500' });
    expect(fake.requests).toHaveLength(2);
  });

  it('falls back when nothing listens at the address', async () => {
    const result = await enhancer('http://127.0.0.1:9/v1', { maxRetries: 0 }).enhance(input);
    expect(result).toMatchObject({ status: 'fallback', reason: 'the model server could not be reached' });
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    fake = await startFakeOpenAI(() => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => (inFlight -= 1), 100);
      return { content: GOOD, delayMs: 100 };
    });
    const inputs = Array.from({ length: 10 }, (_, i) => ({ ...input, conversation_id: `c-${i}`, chat_log: `Customer: message ${i}` }));
    const results = await enhancer(fake.url, { concurrency: 3 }).enhanceAll(inputs);
    expect(results).toHaveLength(10);
    expect(most).toBeLessThanOrEqual(3);
    expect(fake.requests).toHaveLength(10);
  });
});

describe('predict with the LLM', () => {
  const home = path.join(dir, 'home');
  beforeAll(async () => {
    const config = loadConfig({}, { home, db: 'chdb' });
    await ingest(config, { file: path.join(ROOT, 'examples', 'twcs_sample.csv') });
    await processConversations(config, { engine: 'duckdb' });
  });

  it('rewrites every action that contacts a customer, never changes the channel, and pays once thanks to the cache', async () => {
    fake = await startFakeOpenAI(() => ({ content: GOOD }));
    const env = { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-test-secret-key' };
    const rulesOnly = await predict(loadConfig({}, { home, db: 'chdb' }), { out: path.join(dir, 'rules.csv'), llm: 'off' });
    const first = await predict(loadConfig(env, { home, db: 'chdb' }), { out: path.join(dir, 'first.csv') });
    expect(first.by_channel).toEqual(rulesOnly.by_channel);
    const contacting = first.predictions - (first.by_channel.no_action ?? 0);
    expect(first.llm).toMatchObject({ enhanced: contacting, fallback: 0, off: first.by_channel.no_action, calls: contacting, model: 'gpt-4o-mini' });
    expect(fs.readFileSync(path.join(dir, 'first.csv'), 'utf8')).toContain('Sorry about the double charge');
    const second = await predict(loadConfig(env, { home, db: 'chdb' }), { out: path.join(dir, 'second.csv') });
    expect(second.llm).toMatchObject({ enhanced: contacting, cached: contacting, calls: 0 });
    expect(fake.requests).toHaveLength(contacting);
  });

  it('fails in one sentence with --llm required when the model cannot be reached, without printing the key', async () => {
    const result = await runCli(['predict', '--home', home, '--llm', 'required'], { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-test-secret-key', RIVERLINE_LLM_MAX_RETRIES: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: --llm required, but the model gpt-4o-mini did not answer: the model server could not be reached\.$/m);
    expect(result.stderr + result.stdout).not.toContain('sk-test-secret-key');
  });
});
