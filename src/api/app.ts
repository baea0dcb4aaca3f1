// The Fastify app factory: plugins (auth, rate limit, OpenAPI), then routes. Handlers validate and call the core;
// one error handler hides 5xx details. The server (listen, shutdown) lives in server.ts.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RuleSet } from '../decisions/rules.schema.js';
import { decideForCustomer, type CustomerDecision } from '../decisions/single.js';
import type { Store } from '../stores/index.js';
import { createMetrics } from './metrics.js';
import { CustomerSnapshot } from './snapshot.js';
import type { Enhancer } from '../llm/enhance.js';

export interface AppOptions {
  /** Read only for the snapshot and chat logs when those are not given: serve gives both, so no request touches the store. */
  store?: Store;
  /** A conversation's chat log for the model's prompt; default: the store's. */
  chatLog?: (conversationId: string, platform: string) => Promise<string>;
  /** The customers serve answers from; loaded by the caller (or by buildApp when absent). */
  snapshot?: CustomerSnapshot;
  rules: RuleSet;
  platform?: string;
  /** Bearer keys; empty means no auth. */
  apiKeys?: string[];
  /** Requests per minute per key (or per address without auth); 0 turns it off. */
  rateLimit?: number;
  /** Failed authentications an address may make per window before every request from it gets 429 (default 10; 0 turns it off). */
  authFailureLimit?: number;
  /** The window for authFailureLimit (default one minute). */
  authFailureWindowMs?: number;
  logger?: FastifyServerOptions['logger'];
  /** Rewrites messages when a model is configured; a request waits at most `llmDeadlineMs` for it. */
  enhancer?: Enhancer | null;
  llmDeadlineMs?: number;
  /** How long an identical request reuses the answer it got (ms). */
  answerTtlMs?: number;
}

type Answer = ReturnType<typeof toResponse>;

const BODY_LIMIT = 16 * 1024;
const CUSTOMER_ID = { type: 'string', minLength: 1, maxLength: 128 } as const;

const decisionSchema = {
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

/** Failed authentications per client address, in fixed windows. Past the limit the address is refused whatever key it sends, so guessing keys stays slow. */
class AuthFailures {
  private readonly byAddress = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Whole seconds until the address may try again; 0 when it may now. */
  blockedFor(address: string, now = Date.now()): number {
    const entry = this.byAddress.get(address);
    if (!entry || this.limit <= 0 || entry.resetAt <= now || entry.count < this.limit) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
  }

  record(address: string, now = Date.now()): void {
    if (this.limit <= 0) return;
    const entry = this.byAddress.get(address);
    if (entry && entry.resetAt > now) entry.count += 1;
    else this.byAddress.set(address, { count: 1, resetAt: now + this.windowMs });
    // Many addresses failing once each must not grow the map without bound.
    if (this.byAddress.size > 10_000) for (const [key, value] of this.byAddress) if (value.resetAt <= now) this.byAddress.delete(key);
  }
}

/** The routes' URL patterns and their methods, to tell an unknown method on a known route (405) from an unknown route (404). */
class RouteMethods {
  private readonly routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];

  add(url: string, methods: string | string[]): void {
    const source = url
      .split(/(:[A-Za-z0-9_]+|\*)/)
      .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const pattern = new RegExp(`^${source}$`);
    const existing = this.routes.find((route) => route.pattern.source === pattern.source);
    const list = Array.isArray(methods) ? methods : [methods];
    if (existing) for (const method of list) existing.methods.add(method);
    else this.routes.push({ pattern, methods: new Set(list) });
  }

  allowed(path: string): string[] {
    const methods = new Set(this.routes.filter((route) => route.pattern.test(path)).flatMap((route) => [...route.methods]));
    return [...methods].sort();
  }
}

/** A validation path such as /customer_ids/0, written customer_ids[0]. */
function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : `${i === 0 ? '' : '.'}${part}`))
    .join('');
}

function keyMatches(given: string, keys: string[]): boolean {
  const a = Buffer.from(given);
  // Compare against every key in constant time, so timing does not tell which prefix matched.
  return keys.map((key) => Buffer.from(key)).reduce((found, b) => (a.length === b.length && timingSafeEqual(a, b)) || found, false);
}

export function toResponse(decision: CustomerDecision) {
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
  };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const platform = options.platform ?? 'twitter';
  const keys = (options.apiKeys ?? []).filter(Boolean);
  const metrics = createMetrics();
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    genReqId: () => crypto.randomUUID(),
    // No coercion: a customer_id sent as a number or a boolean is a client error, not the string "115712" or "true".
    ajv: { customOptions: { removeAdditional: false, allErrors: false, coerceTypes: false } },
  });
  const routeMethods = new RouteMethods();
  app.addHook('onRoute', (route) => routeMethods.add(route.url, route.method));
  const authFailures = new AuthFailures(options.authFailureLimit ?? 10, options.authFailureWindowMs ?? 60_000);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Riverline Next Best Action API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: keys.length > 0 ? [{ bearer: [] }] : [],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', async (request, reply) => {
    (request as { startedAt?: bigint }).startedAt = process.hrtime.bigint();
    if (keys.length === 0 || request.url === '/health') return;
    // Checked before the key, so an address that keeps guessing learns nothing more until its window ends.
    const wait = authFailures.blockedFor(request.ip);
    if (wait > 0) {
      metrics.authFailures.inc({ outcome: 'throttled' });
      await reply
        .code(429)
        .header('retry-after', String(wait))
        .send({ error: 'rate_limited', message: `Too many failed authentications from this address; try again in ${wait} s.` });
      return;
    }
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !keyMatches(token, keys)) {
      authFailures.record(request.ip);
      metrics.authFailures.inc({ outcome: 'unauthorized' });
      await reply.code(401).send({ error: 'unauthorized', message: 'Send Authorization: Bearer <key> with one of the keys in RIVERLINE_API_KEYS.' });
    }
  });
  if ((options.rateLimit ?? 6000) > 0) {
    await app.register(rateLimit, {
      max: options.rateLimit ?? 6000,
      timeWindow: '1 minute',
      keyGenerator: (request) => request.headers.authorization ?? request.ip,
      allowList: (request) => request.url === '/health',
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    const started = (request as { startedAt?: bigint }).startedAt;
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    if (started) metrics.latency.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
  });

  app.setErrorHandler(async (caught, request, reply) => {
    const error = caught as FastifyError;
    const status = error.statusCode ?? 500;
    if (status === 400 && error.validation) {
      const first = error.validation[0];
      const field = (first?.params as { additionalProperty?: string; missingProperty?: string } | undefined)?.additionalProperty ??
        (first?.params as { missingProperty?: string } | undefined)?.missingProperty ??
        (first?.instancePath ? fieldOf(first.instancePath) : undefined) ??
        'body';
      return reply.code(400).send({ error: 'bad_request', field, message: `${field}: ${first?.message ?? 'invalid'}` });
    }
    if (status === 413) return reply.code(413).send({ error: 'payload_too_large', message: `The body is over ${BODY_LIMIT / 1024} KB.` });
    if (status === 429) return reply.code(429).send({ error: 'rate_limited', message: error.message });
    if (status < 500) return reply.code(status).send({ error: 'bad_request', message: error.message });
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'Something went wrong; the request id is in the logs.', request_id: request.id });
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0].slice(0, 200);
    const allowed = routeMethods.allowed(path);
    if (allowed.length === 0) return reply.code(404).send({ error: 'not_found', message: `There is no route ${path}; the routes are listed at /openapi.json.` });
    return reply
      .code(405)
      .header('allow', allowed.join(', '))
      .send({ error: 'method_not_allowed', message: `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}.` });
  });

  const store = (): Store => {
    if (!options.store) throw new Error('buildApp needs a store, or a snapshot and a chatLog');
    return options.store;
  };
  const snapshot = options.snapshot ?? new CustomerSnapshot();
  if (!options.snapshot) await snapshot.load(store(), platform);
  const chatLog = options.chatLog ?? ((conversationId: string, at: string) => store().chatLog(conversationId, at));

  const answers = new Map<string, { expires: number; answer: Answer }>();
  const ttl = options.answerTtlMs ?? 5 * 60_000;
  const deadline = options.llmDeadlineMs ?? 3000;

  const rulesOnly = (customerId: string) => {
    const record = snapshot.get(customerId);
    return record ? toResponse(decideForCustomer(customerId, record, options.rules)) : null;
  };

  /** The rule answer, rewritten by the model when one is configured and it answers before the deadline. */
  const decide = async (customerId: string): Promise<Answer | null> => {
    const cached = options.enhancer ? answers.get(customerId) : undefined;
    if (cached && cached.expires > Date.now()) return cached.answer;
    const answer = rulesOnly(customerId);
    if (!answer) return null;
    if (options.enhancer && answer.channel !== 'no_action' && answer.conversation_id) {
      const input = {
        conversation_id: answer.conversation_id,
        customer_id: customerId,
        brand: (snapshot.get(customerId)?.conversations.find((c) => c.conversation_id === answer.conversation_id)?.brand as string | null) ?? null,
        channel: answer.channel,
        rule_id: answer.rule_id,
        issue_status: answer.issue_status,
        send_time: answer.send_time,
        topic: String(answer.features.topic ?? 'other'),
        fired: {},
        chat_log: await chatLog(answer.conversation_id, platform),
        message: answer.message,
        reasoning: answer.reasoning,
      };
      // The call goes on after the deadline and fills the persistent cache for the next request.
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadline).unref());
      const result = await Promise.race([options.enhancer.enhance(input), timeout]);
      if (result === 'timeout') answer.llm_status = 'timeout';
      else Object.assign(answer, { message: result.message, reasoning: result.reasoning, llm_status: result.status });
    }
    metrics.decisions.inc({ channel: answer.channel, llm_status: answer.llm_status });
    if (options.enhancer && answer.llm_status !== 'timeout') answers.set(customerId, { expires: Date.now() + ttl, answer });
    return answer;
  };

  app.post(
    '/predict_nba',
    {
      schema: {
        summary: "The next best action for a customer's open conversation",
        body: { type: 'object', required: ['customer_id'], additionalProperties: false, properties: { customer_id: CUSTOMER_ID } },
        response: { 200: decisionSchema, 404: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
    async (request, reply) => {
      const { customer_id } = request.body as { customer_id: string };
      const response = await decide(customer_id);
      if (!response) return reply.code(404).send({ error: 'not_found', message: `No customer ${customer_id} in the data.` });
      return response;
    },
  );

  app.post(
    '/predict_nba/batch',
    {
      schema: {
        summary: 'Next best actions for up to 1,000 customers',
        body: {
          type: 'object',
          required: ['customer_ids'],
          additionalProperties: false,
          properties: { customer_ids: { type: 'array', minItems: 1, maxItems: 1000, items: CUSTOMER_ID } },
        },
      },
    },
    async (request) => {
      const { customer_ids } = request.body as { customer_ids: string[] };
      // Each distinct customer is answered once, in the order first asked for.
      const distinct = [...new Set(customer_ids)];
      const results = await Promise.all(distinct.map(async (id) => ({ id, response: await decide(id) })));
      return {
        predictions: results.filter((r) => r.response).map((r) => r.response),
        not_found: results.filter((r) => !r.response).map((r) => r.id),
      };
    },
  );

  app.get(
    '/customers/:id',
    { schema: { summary: "A customer's profile and open conversations", params: { type: 'object', properties: { id: CUSTOMER_ID }, required: ['id'] } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const record = snapshot.get(id);
      if (!record) return reply.code(404).send({ error: 'not_found', message: `No customer ${id} in the data.` });
      return { customer_id: id, profile: record.profile, open_conversations: record.conversations };
    },
  );

  app.get('/health', { schema: { summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  // serve passes no store (it has let go of it, for other commands to use), so it answers from memory; given a store, readiness also means it answers with its tables.
  app.get('/ready', { schema: { summary: 'Customers loaded (and, when the app holds a store, the database reachable with its tables)' } }, async (_request, reply) => {
    if (options.store) {
      const ping = await options.store.ping();
      if (!ping.success) return reply.code(503).send({ status: 'unavailable', reason: ping.error.message });
      const tables = await options.store.presentTables();
      const missing = ['interactions', 'conversations', 'customer_profiles'].filter((table) => !tables.includes(table));
      if (missing.length > 0) return reply.code(503).send({ status: 'unavailable', reason: `missing tables: ${missing.join(', ')}; run riverline run FILE first` });
    }
    if (!snapshot.loadedAt) return reply.code(503).send({ status: 'unavailable', reason: 'the customers are still loading' });
    if (snapshot.customers === 0) return reply.code(503).send({ status: 'unavailable', reason: 'no customers loaded; run riverline process, then kill -HUP the server' });
    return { status: 'ready', customers: snapshot.customers, loaded_at: snapshot.loadedAt?.toISOString() ?? null };
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
