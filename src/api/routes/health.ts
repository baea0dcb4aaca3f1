// GET /health (the process is up) and GET /ready (it can answer: customers loaded, and the store reachable when it holds one).
import type { FastifyPluginAsync } from 'fastify';

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health', { schema: { summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: { summary: 'Customers loaded (and, when the app holds a store, the database reachable with its tables)' } }, async (_request, reply) => {
    const readiness = await app.serving.readiness();
    if (!readiness.ready) return reply.code(503).send({ status: 'unavailable', reason: readiness.reason });
    return { status: 'ready', customers: readiness.customers, loaded_at: readiness.loaded_at };
  });
};
