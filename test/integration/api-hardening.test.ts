// The API under hostile or careless clients: key guessing, readiness before data, wrong methods, typed ids, repeated ids.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp, type AppOptions } from '../../src/api/app.js';
import { CustomerSnapshot } from '../../src/api/snapshot.js';
import { loadConfig } from '../../src/config/index.js';
import { createStore, prepareStore } from '../../src/stores/index.js';
import { ROOT } from '../helpers/cli.js';
import { serveSample } from '../helpers/served-app.js';
import { createTestDatabase } from '../helpers/postgres.js';

const served = serveSample('api-hardening', [path.join(ROOT, 'examples', 'twcs_sample.csv'), path.join(ROOT, 'test', 'fixtures', 'threads.csv')]);
const { dir, rules } = served;

const auth = { authorization: 'Bearer good-key' };

/** A fresh app over the shared store, closed after `run`. */
async function withApp(options: Partial<AppOptions>, run: (app: FastifyInstance) => Promise<void>): Promise<void> {
  const built = await buildApp({ store: served.store, rules, apiKeys: ['good-key'], rateLimit: 0, ...options });
  try {
    await run(built);
  } finally {
    await built.close();
  }
}

describe('failed authentication is throttled per client address', () => {
  it('answers 429 with Retry-After after 10 failures in a minute, even for the right key, and only for that address', async () => {
    await withApp({ rateLimit: 6000 }, async (limited) => {
      const call = (remoteAddress: string, headers: Record<string, string>) =>
        limited.inject({ method: 'POST', url: '/predict_nba', payload: { customer_id: '115712' }, headers, remoteAddress });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await call('10.0.0.1', i % 2 === 0 ? { authorization: `Bearer wrong-${i}` } : {})).statusCode);
      expect(statuses).toEqual(Array(10).fill(401));
      const eleventh = await call('10.0.0.1', { authorization: 'Bearer wrong-10' });
      expect(eleventh.statusCode).toBe(429);
      expect(eleventh.json()).toMatchObject({ error: 'rate_limited' });
      const retryAfter = Number(eleventh.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await call('10.0.0.1', auth)).statusCode).toBe(429);
      expect((await call('10.0.0.2', auth)).statusCode).toBe(200);
      // /health stays open to the load balancer whatever the address did.
      expect((await limited.inject({ method: 'GET', url: '/health', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
      const metrics = await limited.inject({ method: 'GET', url: '/metrics', headers: auth, remoteAddress: '10.0.0.2' });
      expect(metrics.body).toMatch(/riverline_auth_failures_total\{outcome="unauthorized"\} 10\n/);
      expect(metrics.body).toMatch(/riverline_auth_failures_total\{outcome="throttled"\} 2\n/);
    });
  });

  it('takes the limit and window from the options, and lets the address in again once the window ends', async () => {
    await withApp({ authFailureLimit: 2, authFailureWindowMs: 300 }, async (limited) => {
      const call = (headers: Record<string, string>) => limited.inject({ method: 'GET', url: '/customers/c5', headers, remoteAddress: '10.0.0.3' });
      expect((await call({ authorization: 'Bearer nope' })).statusCode).toBe(401);
      expect((await call({ authorization: 'Bearer nope' })).statusCode).toBe(401);
      expect((await call(auth)).statusCode).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await call(auth)).statusCode).toBe(200);
    });
  });
});

describe('/ready', () => {
  it('answers 503 until the customers are loaded, then 200 with the count', async () => {
    const snapshot = new CustomerSnapshot();
    await withApp({ snapshot }, async (loading) => {
      const before = await loading.inject({ method: 'GET', url: '/ready', headers: auth });
      expect(before.statusCode).toBe(503);
      expect(before.json()).toEqual({ error: 'not_ready', message: 'the customers are still loading', status: 'unavailable', reason: 'the customers are still loading' });
      await snapshot.load(served.store, 'twitter');
      const after = await loading.inject({ method: 'GET', url: '/ready', headers: auth });
      expect(after.statusCode).toBe(200);
      expect(after.json()).toMatchObject({ status: 'ready', customers: 40 });
    });
  });

  it('answers 503 when the tables are there but hold no customers', async () => {
    const db = await createTestDatabase();
    const empty = createStore(loadConfig({ DATABASE_URL: db.url }, { home: path.join(dir, 'pg'), db: 'postgres' }));
    try {
      await prepareStore(empty);
      const emptyApp = await buildApp({ store: empty, rules });
      try {
        const ready = await emptyApp.inject({ method: 'GET', url: '/ready' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json()).toEqual({ error: 'not_ready', message: 'no customers loaded; run riverline process, then kill -HUP the server', status: 'unavailable', reason: 'no customers loaded; run riverline process, then kill -HUP the server' });
      } finally {
        await emptyApp.close();
      }
    } finally {
      await empty.close();
      await db.drop();
    }
  });
});

describe('methods and routes', () => {
  it('answers an unknown method on a known route with 405, an Allow header and the usual error shape', async () => {
    const put = await served.app.inject({ method: 'PUT', url: '/predict_nba', headers: auth, payload: { customer_id: '115712' } });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('POST');
    expect(put.json()).toEqual({ error: 'method_not_allowed', message: 'PUT is not allowed on /predict_nba; use POST.' });
    const get = await served.app.inject({ method: 'GET', url: '/predict_nba/batch', headers: auth });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const remove = await served.app.inject({ method: 'DELETE', url: '/customers/c5?x=1', headers: auth });
    expect(remove.statusCode).toBe(405);
    expect(remove.headers.allow).toBe('GET, HEAD');
    expect((await served.app.inject({ method: 'POST', url: '/ready', headers: auth })).headers.allow).toBe('GET, HEAD');
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    const missing = await served.app.inject({ method: 'GET', url: '/predict', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', message: 'There is no route /predict; the routes are listed at /openapi.json.' });
    expect(missing.headers.allow).toBeUndefined();
  });

  it('still asks for the key before saying which methods a route allows', async () => {
    expect((await served.app.inject({ method: 'PUT', url: '/predict_nba', remoteAddress: '10.0.0.9' })).statusCode).toBe(401);
  });
});

describe('customer ids are strings, never coerced', () => {
  const post = (url: string, payload: unknown) => served.app.inject({ method: 'POST', url, payload: payload as object, headers: auth });

  it('answers 400 naming customer_id for a number or a boolean', async () => {
    for (const customer_id of [115712, true]) {
      const response = await post('/predict_nba', { customer_id });
      expect({ sent: customer_id, status: response.statusCode }).toEqual({ sent: customer_id, status: 400 });
      expect(response.json()).toEqual({ error: 'bad_request', field: 'customer_id', message: 'customer_id: must be string' });
    }
    expect((await post('/predict_nba', { customer_id: '115712' })).statusCode).toBe(200);
  });

  it('answers 400 naming the position of a number in a batch', async () => {
    const response = await post('/predict_nba/batch', { customer_ids: ['115712', 115712] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'bad_request', field: 'customer_ids[1]' });
  });
});

describe('POST /predict_nba/batch', () => {
  it('answers each distinct customer once, in the order first asked for', async () => {
    const response = await served.app.inject({ method: 'POST', url: '/predict_nba/batch', headers: auth, payload: { customer_ids: ['c5', '115712', 'c5', 'nobody', '115712', 'nobody'] } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.predictions.map((p: { customer_id: string }) => p.customer_id)).toEqual(['c5', '115712']);
    expect(body.not_found).toEqual(['nobody']);
  });
});
