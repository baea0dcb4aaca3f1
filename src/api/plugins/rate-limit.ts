// Requests per minute per key (per address without one); /health is never limited.
import rateLimit from '@fastify/rate-limit';
import { appWide } from './app-wide.js';

export const rateLimiting = appWide<{ perMinute: number }>(async (app, { perMinute }) => {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => request.headers.authorization ?? request.ip,
    allowList: (request) => request.url === '/health',
  });
});
