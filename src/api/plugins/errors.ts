// Errors in one shape, {error, message}, on every route and status (Fastify's own 400 for a bad URL too): a validation
// failure names its field, a body over the limit is 413, every 5xx hides its detail behind the request id. An unknown
// route is 404; a known route with another method is 405 with Allow.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { appWide } from './app-wide.js';

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

/** The code of a 4xx Fastify or a plugin raises itself (an unsupported content type, a bad Accept...). */
const CLIENT_ERRORS: Record<number, string> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Fastify's frameworkErrors: a URL it cannot decode is answered before any route or error handler runs, in the shape
 * of every other error rather than Fastify's own.
 */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  void reply.code(status).send({ error: CLIENT_ERRORS[status] ?? 'bad_request', message: error.message });
}

/** A validation path such as /customer_ids/0, written customer_ids[0]. */
function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : `${i === 0 ? '' : '.'}${part}`))
    .join('');
}

/** Registered first, so it sees every route the app and its plugins add. */
export const errors = appWide<{ bodyLimit: number }>(async (app, { bodyLimit }) => {
  const routeMethods = new RouteMethods();
  app.addHook('onRoute', (route) => routeMethods.add(route.url, route.method));

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
    if (status === 413) return reply.code(413).send({ error: 'payload_too_large', message: `The body is over ${bodyLimit / 1024} KB.` });
    if (status === 429) return reply.code(429).send({ error: 'rate_limited', message: error.message });
    if (status < 500) return reply.code(status).send({ error: CLIENT_ERRORS[status] ?? 'bad_request', message: error.message });
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
});
