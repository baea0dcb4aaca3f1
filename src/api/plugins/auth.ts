// Bearer keys: with keys configured, every request but /health and the docs (/docs, /openapi.json) must send one of them. An address that keeps failing
// is refused whatever key it sends until its window ends, so guessing keys stays slow. Needs the metrics plugin.
import { timingSafeEqual } from 'node:crypto';
import { appWide } from './app-wide.js';
import { isDocsPath } from './openapi.js';

/** Failed authentications per client address, in fixed windows. */
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

function keyMatches(given: string, keys: string[]): boolean {
  const a = Buffer.from(given);
  // Compare against every key in constant time, so timing does not tell which prefix matched.
  return keys.map((key) => Buffer.from(key)).reduce((found, b) => (a.length === b.length && timingSafeEqual(a, b)) || found, false);
}

export interface AuthOptions extends Record<string, unknown> {
  /** Bearer keys; empty means no auth. */
  keys: string[];
  /** Failed authentications an address may make per window before it gets 429 (0 turns it off). */
  failureLimit: number;
  failureWindowMs: number;
}

export const auth = appWide<AuthOptions>(async (app, { keys, failureLimit, failureWindowMs }) => {
  if (keys.length === 0) return;
  const failures = new AuthFailures(failureLimit, failureWindowMs);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/health') return;
    // By the route matched, not the raw URL, so only the docs' own handlers are reached without a key.
    if (isDocsPath(request.routeOptions.url ?? '')) return;
    // Checked before the key, so an address that keeps guessing learns nothing more until its window ends.
    const wait = failures.blockedFor(request.ip);
    if (wait > 0) {
      app.metrics.authFailures.inc({ outcome: 'throttled' });
      await reply
        .code(429)
        .header('retry-after', String(wait))
        .send({ error: 'rate_limited', message: `Too many failed authentications from this address; try again in ${wait} s.` });
      return;
    }
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !keyMatches(token, keys)) {
      failures.record(request.ip);
      app.metrics.authFailures.inc({ outcome: 'unauthorized' });
      await reply.code(401).send({ error: 'unauthorized', message: 'Send Authorization: Bearer <key> with one of the keys in RIVERLINE_API_KEYS.' });
    }
  });
});
