// Prometheus metrics for the API: request counts, latency, decisions by LLM status.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({ name: 'riverline_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    latency: new Histogram({
      name: 'riverline_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 3],
      registers: [registry],
    }),
    authFailures: new Counter({ name: 'riverline_auth_failures_total', help: 'Requests refused for a missing or wrong key (unauthorized) or for too many such refusals from one address (throttled)', labelNames: ['outcome'], registers: [registry] }),
    decisions: new Counter({ name: 'riverline_decisions_total', help: 'Decisions served by channel and llm_status', labelNames: ['channel', 'llm_status'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
