// GET /health (the process is up) and GET /ready (it can answer: customers loaded, and the store reachable when it holds one).
import type { FastifyPluginAsync } from 'fastify';
import { GUARDED } from './schemas.js';

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness',
        tags: ['operations'],
        // Open even when keys are set.
        security: [],
        response: { 200: { description: 'The process is up.', type: 'object', properties: { status: { type: 'string', examples: ['ok'] } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  const READY = {
    200: {
      description: 'Customers are loaded; requests are answered.',
      type: 'object',
      properties: { status: { type: 'string', examples: ['ready'] }, customers: { type: 'integer', examples: [41] }, loaded_at: { type: ['string', 'null'], format: 'date-time' } },
    },
    503: {
      description: 'Not ready yet, with the reason (still loading, no customers, or the database unreachable).',
      type: 'object',
      properties: {
        error: { type: 'string', examples: ['not_ready'] },
        message: { type: 'string', examples: ['the customers are still loading'] },
        status: { type: 'string', examples: ['unavailable'] },
        reason: { type: 'string', examples: ['the customers are still loading'] },
      },
    },
    ...GUARDED,
  };
  const summary = 'Customers loaded (and, when the app holds a store, the database reachable with its tables)';
  app.get('/ready', { schema: { summary, tags: ['operations'], response: READY } }, async (_request, reply) => {
    const readiness = await app.serving.readiness();
    // The error shape of every other route, with status and reason kept for probes that read them.
    if (!readiness.ready) return reply.code(503).send({ error: 'not_ready', message: readiness.reason, status: 'unavailable', reason: readiness.reason });
    return { status: 'ready', customers: readiness.customers, loaded_at: readiness.loaded_at };
  });
};
