import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { serve } from '../../src/api/server.js';
import { CustomerSnapshot } from '../../src/api/snapshot.js';
import { LlmCache } from '../../src/llm/cache.js';
import { createLlmClient, Enhancer } from '../../src/llm/enhance.js';
import { startFakeOpenAI } from '../helpers/fake-openai.js';
import { loadConfig } from '../../src/config/index.js';
import { processConversations } from '../../src/conversations/process.js';
import { predict } from '../../src/decisions/predict.js';
import { defaultRulesPath } from '../../src/decisions/rules-file.js';
import { loadRuleSet } from '../../src/decisions/rules.schema.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { createStore, prepareStore, type Store } from '../../src/stores/index.js';
import { ROOT } from '../helpers/cli.js';
import { writeSampleModel } from '../helpers/model.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-api-'));
const home = path.join(dir, 'home');
const config = loadConfig({}, { home, db: 'chdb' });
const rules = loadRuleSet(defaultRulesPath());
let store: Store;
let app: FastifyInstance;
let batch: Array<Record<string, string>>;

beforeAll(async () => {
  await ingest(config, { file: path.join(ROOT, 'examples', 'twcs_sample.csv') });
  await ingest(config, { file: path.join(ROOT, 'test', 'fixtures', 'threads.csv') });
  await processConversations(config, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
  const out = path.join(dir, 'batch.json');
  await predict(config, { out, format: 'json', llm: 'off' });
  batch = JSON.parse(fs.readFileSync(out, 'utf8'));
  store = createStore(config);
  await prepareStore(store);
  app = await buildApp({ store, rules, apiKeys: ['key-one', 'key-two'], rateLimit: 0 });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: 'Bearer key-two' };
const post = (url: string, payload: unknown, headers: Record<string, string> = auth) => app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('POST /predict_nba', () => {
  it("answers with the same action batch predict chose, for every customer in the data", async () => {
    const customers = [...new Set(batch.map((row) => row.customer_id))];
    for (const customer of customers) {
      const response = await post('/predict_nba', { customer_id: customer });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      const expected = batch.find((row) => row.customer_id === customer && row.rule_id !== 'contact_policy')!;
      expect({ customer, channel: body.channel, rule: body.rule_id, send_time: body.send_time, message: body.message, receipt: body.receipt }).toEqual({
        customer,
        channel: expected.channel,
        rule: expected.rule_id,
        send_time: expected.send_time,
        message: expected.message,
        receipt: JSON.parse(expected.receipt),
      });
      expect(body.receipt).toMatchObject({ policy: 'rules', model_id: null, layer: 'rules' });
    }
  });

  it('answers under the learned policy with the same action and receipt as batch predict, for every customer', async () => {
    const modelFile = path.join(dir, 'model.json');
    const model = writeSampleModel(modelFile);
    const out = path.join(dir, 'learned.json');
    await predict(config, { out, format: 'json', llm: 'off', policy: 'learned', model: modelFile });
    const learnedBatch = JSON.parse(fs.readFileSync(out, 'utf8')) as Array<Record<string, string>>;
    const learnedApp = await buildApp({ store, rules, policy: { policy: 'learned', model }, rateLimit: 0 });
    try {
      const layers = new Set<string>();
      for (const customer of new Set(learnedBatch.map((row) => row.customer_id))) {
        const body = (await learnedApp.inject({ method: 'POST', url: '/predict_nba', payload: { customer_id: customer } })).json();
        const expected = learnedBatch.find((row) => row.customer_id === customer && row.rule_id !== 'contact_policy')!;
        expect({ customer, channel: body.channel, rule: body.rule_id, send_time: body.send_time, message: body.message, reasoning: body.reasoning, receipt: body.receipt }).toEqual({
          customer,
          channel: expected.channel,
          rule: expected.rule_id,
          send_time: expected.send_time,
          message: expected.message,
          reasoning: expected.reasoning,
          receipt: JSON.parse(expected.receipt),
        });
        layers.add(body.receipt.layer);
      }
      // The sample's brands reach every layer: outcome (ChipotleTweets), propensity (VerizonSupport), rules (the rest).
      expect([...layers].sort()).toEqual(['outcome', 'propensity', 'rules']);
    } finally {
      await learnedApp.close();
    }
  });

  it('says why there is nothing to do for a customer whose issues are resolved', async () => {
    const body = (await post('/predict_nba', { customer_id: 'c1' })).json();
    expect(body).toMatchObject({ customer_id: 'c1', conversation_id: null, channel: 'no_action', issue_status: 'resolved' });
    expect(body.reasoning).toMatch(/nothing is open for this customer/);
  });

  it('answers 404 for an unknown customer, 400 naming the extra or missing field, 413 past 16 KB', async () => {
    expect((await post('/predict_nba', { customer_id: 'nobody' })).statusCode).toBe(404);
    const extra = await post('/predict_nba', { customer_id: '115712', channel: 'email_reply' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ error: 'bad_request', field: 'channel' });
    expect((await post('/predict_nba', {})).json()).toMatchObject({ field: 'customer_id' });
    const big = await post('/predict_nba', { customer_id: 'x'.repeat(20_000) });
    expect(big.statusCode).toBe(413);
  });

  it('requires a valid bearer key on every route but /health', async () => {
    expect((await post('/predict_nba', { customer_id: '115712' }, {})).statusCode).toBe(401);
    expect((await post('/predict_nba', { customer_id: '115712' }, { authorization: 'Bearer key-thre' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });
});

describe('the other routes', () => {
  it('decides for many customers at once and lists the unknown ones', async () => {
    const body = (await post('/predict_nba/batch', { customer_ids: ['115712', 'c5', 'nobody'] })).json();
    expect(body.predictions.map((p: { customer_id: string }) => p.customer_id)).toEqual(['115712', 'c5']);
    expect(body.not_found).toEqual(['nobody']);
    expect((await post('/predict_nba/batch', { customer_ids: Array.from({ length: 1001 }, (_, i) => `c${i}`) })).statusCode).toBe(400);
  });

  it('answers the batch as an Arrow stream when Accept asks for it: the rows of the JSON answer, unknown ids in the metadata', async () => {
    const ids = ['115712', 'c5', 'nobody', 'c1'];
    const json = (await post('/predict_nba/batch', { customer_ids: ids })).json();
    const response = await app.inject({ method: 'POST', url: '/predict_nba/batch', payload: { customer_ids: ids }, headers: { ...auth, accept: 'application/vnd.apache.arrow.stream' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(response.rawPayload);
    expect(table.schema.metadata.get('not_found')).toBe(JSON.stringify(json.not_found));
    const rows = table.toArray().map((row) => {
      const values = row.toJSON() as Record<string, unknown>;
      const time = (value: unknown) => (value === null ? null : new Date(Number(value)).toISOString());
      const parsed = (value: unknown) => (value === null ? null : JSON.parse(String(value)));
      return { ...values, send_time: time(values.send_time), as_of: time(values.as_of), features: parsed(values.features), receipt: parsed(values.receipt) };
    });
    expect(rows).toEqual(json.predictions);
    // JSON stays the default, for no Accept header, */* and an Accept that refuses Arrow.
    for (const accept of [undefined, '*/*', 'application/vnd.apache.arrow.stream;q=0, application/json']) {
      const headers = accept === undefined ? auth : { ...auth, accept };
      expect((await app.inject({ method: 'POST', url: '/predict_nba/batch', payload: { customer_ids: ids }, headers })).headers['content-type']).toMatch(/^application\/json/);
    }
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json', headers: auth })).json();
    expect(Object.keys(openapi.paths['/predict_nba/batch'].post.responses['200'].content)).toEqual(['application/json', 'application/vnd.apache.arrow.stream']);
  });

  it("shows a customer's profile and open conversations", async () => {
    const body = (await app.inject({ method: 'GET', url: '/customers/c5', headers: auth })).json();
    expect(body.profile.customer_id).toBe('c5');
    expect(Number(body.profile.conversations)).toBe(1);
    expect(body.open_conversations).toHaveLength(1);
  });

  it('reports readiness, Prometheus metrics and an OpenAPI document', async () => {
    expect((await app.inject({ method: 'GET', url: '/ready', headers: auth })).json()).toMatchObject({ status: 'ready', customers: 40 });
    const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: auth });
    expect(metrics.body).toMatch(/riverline_http_requests_total\{route="\/predict_nba",status="200"\} \d+/);
    expect(metrics.body).toMatch(/riverline_http_request_duration_seconds_bucket/);
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json', headers: auth })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/predict_nba', '/predict_nba/batch', '/customers/{id}', '/health', '/ready']));
  });

  it('limits requests per key per minute with 429 and Retry-After', async () => {
    const limited = await buildApp({ store, rules, apiKeys: ['k'], rateLimit: 2 });
    try {
      const call = () => limited.inject({ method: 'POST', url: '/predict_nba', payload: { customer_id: '115712' }, headers: { authorization: 'Bearer k' } });
      expect((await call()).statusCode).toBe(200);
      expect((await call()).statusCode).toBe(200);
      const third = await call();
      expect(third.statusCode).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('is not ready, with the reason, when the database does not answer', async () => {
    const unreachable = createStore({ target: { kind: 'postgres', url: 'postgres://riverline@127.0.0.1:1/none', source: 'DATABASE_URL' } });
    const down = await buildApp({ store: unreachable, rules, snapshot: new CustomerSnapshot() });
    try {
      const ready = await down.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().reason).toMatch(/Could not reach PostgreSQL/);
    } finally {
      await down.close();
      await unreachable.close();
    }
  });
});

describe('serve with the LLM', () => {
  const llmConfig = (url: string) => ({ provider: 'openai' as const, apiKey: 'k', model: 'gpt-4o-mini', baseURL: url, concurrency: 4, timeoutMs: 5000, maxRetries: 0 });
  const enhancerFor = (url: string) => new Enhancer(createLlmClient(llmConfig(url)), llmConfig(url), new LlmCache(fs.mkdtempSync(path.join(dir, 'cache-'))));

  it('rewrites the answer, and reuses it for an identical request within the TTL', async () => {
    const fake = await startFakeOpenAI(() => ({ content: JSON.stringify({ message: 'We are calling you today.', reasoning: 'Escalated.' }) }));
    const withLlm = await buildApp({ store, rules, enhancer: enhancerFor(fake.url) });
    try {
      const first = (await withLlm.inject({ method: 'POST', url: '/predict_nba', payload: { customer_id: '115712' } })).json();
      expect(first).toMatchObject({ channel: 'scheduling_phone_call', message: 'We are calling you today.', llm_status: 'enhanced' });
      expect(JSON.stringify(fake.requests[0].body)).toContain('Customer: @sprintcare is the worst customer service');
      const second = (await withLlm.inject({ method: 'POST', url: '/predict_nba', payload: { customer_id: '115712' } })).json();
      expect(second).toEqual(first);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await withLlm.close();
      await fake.close();
    }
  });

  it('answers with the rules and llm_status timeout when the model misses the deadline', async () => {
    const fake = await startFakeOpenAI(() => ({ content: JSON.stringify({ message: 'late', reasoning: 'late' }), delayMs: 4000 }));
    const withLlm = await buildApp({ store, rules, enhancer: enhancerFor(fake.url), llmDeadlineMs: 200 });
    try {
      const started = Date.now();
      const answer = (await withLlm.inject({ method: 'POST', url: '/predict_nba', payload: { customer_id: '115712' } })).json();
      // Well before the model's 4 s, with room for a busy machine.
      expect(Date.now() - started).toBeLessThan(3000);
      expect(answer).toMatchObject({ channel: 'scheduling_phone_call', llm_status: 'timeout' });
      expect(answer.message).toMatch(/one of our specialists will (ring you|call you|set up a call)|set up a call with one of our specialists/);
    } finally {
      await withLlm.close();
      await fake.close();
    }
  });
});

describe('the server on a real socket', () => {
  it('answers over HTTP and shuts down cleanly when told to', async () => {
    await store.close();
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    let address = '';
    const running = serve(config, { port: 0, until, apiKeys: [], onListening: (a) => (address = a) });
    while (!address) await new Promise((resolve) => setTimeout(resolve, 20));
    const response = await fetch(`${address}/predict_nba`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customer_id: '115712' }) });
    expect(response.status).toBe(200);
    expect((await response.json()).rule_id).toBe('escalate_to_phone');
    stop();
    await running;
    await expect(fetch(`${address}/health`)).rejects.toThrow();
    store = createStore(config);
    await prepareStore(store);
  });
});

describe('serve on PostgreSQL', () => {
  it('answers from the PostgreSQL store as from the embedded one', async () => {
    const { createTestDatabase } = await import('../helpers/postgres.js');
    const db = await createTestDatabase();
    const pgConfig = loadConfig({ DATABASE_URL: db.url }, { home: path.join(dir, 'pg'), db: 'postgres' });
    try {
      await ingest(pgConfig, { file: path.join(ROOT, 'examples', 'twcs_sample.csv') });
      await ingest(pgConfig, { file: path.join(ROOT, 'test', 'fixtures', 'threads.csv') });
      await processConversations(pgConfig, { engine: 'duckdb', asOf: '2017-11-01T15:54:37Z' });
      const pgStore = createStore(pgConfig);
      await prepareStore(pgStore);
      const pgApp = await buildApp({ store: pgStore, rules });
      try {
        for (const customer of ['115712', 'c5', 'c1']) {
          const fromPostgres = (await pgApp.inject({ method: 'POST', url: '/predict_nba', payload: { customer_id: customer } })).json();
          const fromClickHouse = (await post('/predict_nba', { customer_id: customer })).json();
          expect({ ...fromPostgres, features: undefined }).toEqual({ ...fromClickHouse, features: undefined });
        }
        expect((await pgApp.inject({ method: 'GET', url: '/ready' })).json()).toMatchObject({ status: 'ready', customers: 40 });
      } finally {
        await pgApp.close();
        await pgStore.close();
      }
    } finally {
      await db.drop();
    }
  });
});
