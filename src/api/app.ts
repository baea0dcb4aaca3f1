// The Fastify app factory, as in fastify/demo: plugins first (errors, OpenAPI, metrics, auth, rate limit, then what
// the routes answer from), then the routes, whose handlers validate and call. The server (listen, shutdown) lives in
// server.ts; the decision logic in src/decisions.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { RuleSet } from '../decisions/rules.schema.js';
import type { PolicyChoice } from '../decisions/single.js';
import type { Enhancer } from '../llm/enhance.js';
import type { Store } from '../stores/index.js';
import { auth } from './plugins/auth.js';
import { errors, frameworkError } from './plugins/errors.js';
import { metrics } from './plugins/metrics.js';
import { openapi } from './plugins/openapi.js';
import { rateLimiting } from './plugins/rate-limit.js';
import { serving } from './plugins/serving.js';
import { customerRoutes } from './routes/customers.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { openapiRoutes } from './routes/openapi.js';
import { predictRoutes } from './routes/predict.js';
import type { CustomerSnapshot } from './snapshot.js';

export interface AppOptions {
  /** Read only for the snapshot and chat logs when those are not given: serve gives both, so no request touches the store. */
  store?: Store;
  /** A conversation's chat log for the model's prompt; default: the store's. */
  chatLog?: (conversationId: string, platform: string) => Promise<string>;
  /** The customers serve answers from; loaded by the caller (or by buildApp when absent). */
  snapshot?: CustomerSnapshot;
  rules: RuleSet;
  /** The policy decisions run under and its model (default: the rules alone). */
  policy?: PolicyChoice;
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

const BODY_LIMIT = 16 * 1024;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const keys = (options.apiKeys ?? []).filter(Boolean);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    genReqId: () => crypto.randomUUID(),
    // No coercion: a customer_id sent as a number or a boolean is a client error, not the string "115712" or "true".
    ajv: { customOptions: { removeAdditional: false, allErrors: false, coerceTypes: false } },
    frameworkErrors: frameworkError,
  });
  await app.register(errors, { bodyLimit: BODY_LIMIT });
  await app.register(openapi, { secured: keys.length > 0 });
  await app.register(metrics);
  await app.register(auth, { keys, failureLimit: options.authFailureLimit ?? 10, failureWindowMs: options.authFailureWindowMs ?? 60_000 });
  await app.register(rateLimiting, { perMinute: options.rateLimit ?? 6000 });
  await app.register(serving, {
    store: options.store,
    snapshot: options.snapshot,
    chatLog: options.chatLog,
    rules: options.rules,
    policy: options.policy,
    platform: options.platform ?? 'twitter',
    enhancer: options.enhancer,
    llmDeadlineMs: options.llmDeadlineMs,
    answerTtlMs: options.answerTtlMs,
  });

  await app.register(predictRoutes);
  await app.register(customerRoutes);
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(openapiRoutes);
  return app;
}
