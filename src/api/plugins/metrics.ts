// Prometheus metrics (app.metrics): each request's count and latency by route and status.
import { createMetrics, type Metrics } from '../metrics.js';
import { appWide } from './app-wide.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
  interface FastifyRequest {
    startedAt?: bigint;
  }
}

export const metrics = appWide(async (app) => {
  const registry = createMetrics();
  app.decorate('metrics', registry);
  // Callback hooks, not async ones: on every request, a promise each would cost more than the work they do.
  app.addHook('onRequest', (request, _reply, done) => {
    request.startedAt = process.hrtime.bigint();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    registry.requests.inc({ route, status: String(reply.statusCode) });
    if (request.startedAt) registry.latency.observe({ route }, Number(process.hrtime.bigint() - request.startedAt) / 1e9);
    done();
  });
});
