// The API's contract with its clients (issue 14): typed JSON on every route, one error shape for every status, an
// OpenAPI document with tags, per-status descriptions and examples from the sample, and docs readable without a key.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { serveSample } from '../helpers/served-app.js';

const served = serveSample('api-contract', [path.join(ROOT, 'examples', 'twcs_sample.csv')]);

const auth = { authorization: 'Bearer good-key' };
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Every error body: a snake_case code and a sentence, perhaps with more fields beside them. */
function expectErrorShape(body: unknown): void {
  expect(body).toMatchObject({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
  expect(body).not.toHaveProperty('statusCode');
}

describe('GET /customers/:id answers typed JSON', () => {
  it('gives arrays as arrays, numbers as numbers and times as ISO 8601 UTC', async () => {
    const response = await served.app.inject({ method: 'GET', url: '/customers/115712', headers: auth });
    expect(response.statusCode).toBe(200);
    const { profile, open_conversations: open } = response.json();
    expect(profile.peak_hours).toEqual([21, 22]);
    expect(profile.active_hours).toHaveLength(24);
    expect(profile).toMatchObject({ conversations: 1, open_conversations: 1, total_interactions: 4, channels_accepted: [] });
    for (const time of [profile.first_interaction_at, profile.last_interaction_at, profile.as_of]) expect(time).toMatch(ISO_UTC);
    expect(open).toHaveLength(1);
    const [conversation] = open;
    expect(conversation).toMatchObject({ message_count: 7, brand_asked_dm: true, escalation_terms: ['worst'], resolution_signal: null });
    expect(conversation.recent_words).toEqual(expect.arrayContaining(['private', 'messages']));
    for (const time of [conversation.started_at, conversation.ended_at, conversation.as_of]) expect(time).toMatch(ISO_UTC);
    expect(conversation.started_at).toBe('2017-10-31T21:45:10.000Z');
  });
});

describe('one error shape for every route and status', () => {
  const cases: Array<{ name: string; status: number; code: string; request: Parameters<FastifyInstance['inject']>[0] }> = [
    { name: 'an unknown route', status: 404, code: 'not_found', request: { method: 'GET', url: '/nowhere', headers: auth } },
    { name: 'a wrong method', status: 405, code: 'method_not_allowed', request: { method: 'DELETE', url: '/predict_nba', headers: auth } },
    { name: 'a missing key', status: 401, code: 'unauthorized', request: { method: 'GET', url: '/customers/115712' } },
    { name: 'an unknown customer', status: 404, code: 'not_found', request: { method: 'GET', url: '/customers/nobody', headers: auth } },
    { name: 'a URL Fastify cannot decode', status: 400, code: 'bad_request', request: { method: 'GET', url: '/customers/%E0%A4%A', headers: auth } },
    { name: 'a body that is not JSON', status: 400, code: 'bad_request', request: { method: 'POST', url: '/predict_nba', headers: { ...auth, 'content-type': 'application/json' }, payload: '{bad' } },
    { name: 'a CSV body', status: 415, code: 'unsupported_media_type', request: { method: 'POST', url: '/predict_nba', headers: { ...auth, 'content-type': 'text/csv' }, payload: 'a,b' } },
    { name: 'a body over 16 KB', status: 413, code: 'payload_too_large', request: { method: 'POST', url: '/predict_nba', headers: auth, payload: { customer_id: 'x'.repeat(20_000) } } },
  ];
  for (const { name, status, code, request } of cases) {
    it(`answers ${name} with ${status} and {error: ${code}, message}`, async () => {
      const response = await served.app.inject(request);
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const body = response.json();
      expectErrorShape(body);
      expect(body.error).toBe(code);
    });
  }

  it('says which methods a known route allows', async () => {
    const response = await served.app.inject({ method: 'GET', url: '/predict_nba', headers: auth });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });
});

describe('the OpenAPI document', () => {
  type Operation = { tags?: string[]; responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown>; example?: unknown }> }>; requestBody?: { content: Record<string, { schema: { properties: Record<string, { example?: unknown }> }; example?: unknown }> } };
  let document: { tags: Array<{ name: string }>; paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    document = (await served.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });

  it('groups every route under a tag the document lists, none under "default"', () => {
    const listed = document.tags.map((tag) => tag.name);
    expect(listed).toEqual(['decisions', 'customers', 'operations']);
    for (const [path, methods] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(methods)) expect({ path, method, tags: operation.tags }).toEqual({ path, method, tags: [expect.toBeOneOf(listed)] });
  });

  it('documents 200, 400, 401, 404, 413 and 429 for POST /predict_nba, each with its own description and the error shape', () => {
    const responses = document.paths['/predict_nba'].post.responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '404', '413', '429']);
    const descriptions = Object.values(responses).map((response) => response.description);
    expect(descriptions).not.toContain('Default Response');
    expect(new Set(descriptions).size).toBe(descriptions.length);
    for (const status of ['400', '401', '404', '413', '429']) {
      const schema = responses[status].content!['application/json'].schema as { required: string[] };
      expect({ status, required: schema.required }).toEqual({ status, required: ['error', 'message'] });
    }
  });

  it('gives examples from the sample data, not "string"', () => {
    const post = document.paths['/predict_nba'].post;
    const body = post.requestBody!.content['application/json'];
    expect(body.example).toEqual({ customer_id: '115712' });
    expect(body.schema.properties.customer_id.example).toBe('115712');
    const decision = post.responses['200'].content!['application/json'].schema as { properties: Record<string, { example?: unknown }> };
    expect(decision.properties.channel.example).toBe('scheduling_phone_call');
    expect(decision.properties.send_time.example).toMatch(ISO_UTC);
    const profile = (document.paths['/customers/{id}'].get.responses['200'].content!['application/json'].schema as { properties: { profile: { properties: Record<string, { example?: unknown }> } } }).properties.profile;
    expect(profile.properties.peak_hours.example).toEqual([21, 22]);
  });
});

describe('the docs are open, the data is not', () => {
  it('answers /docs and /openapi.json without a key, and 401 on /predict_nba', async () => {
    const docs = await served.app.inject({ method: 'GET', url: '/docs' });
    // /docs may redirect to its page; the page itself must answer without a key too.
    const page = docs.statusCode === 302 ? await served.app.inject({ method: 'GET', url: docs.headers.location as string }) : docs;
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/swagger/i);
    expect((await served.app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await served.app.inject({ method: 'POST', url: '/predict_nba', payload: { customer_id: '115712' } })).statusCode).toBe(401);
    expect((await served.app.inject({ method: 'GET', url: '/customers/115712' })).statusCode).toBe(401);
    expect((await served.app.inject({ method: 'GET', url: '/docs/../customers/115712' })).statusCode).not.toBe(200);
  });
});
