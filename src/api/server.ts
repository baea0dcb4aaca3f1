// Starts the API on a port and closes it gracefully on SIGTERM/SIGINT: stop accepting, finish in-flight requests,
// close the store's pools. Logs are JSON (pino) on stderr, with request ids; bodies are not logged.
import type { Config } from '../config/index.js';
import { loadRuleSet } from '../decisions/rules.schema.js';
import { defaultRulesPath } from '../decisions/predict.js';
import { createStore, prepareStore } from '../stores/index.js';
import { buildApp } from './app.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  rulesFile?: string;
  apiKeys?: string[];
  rateLimit?: number;
  /** Resolves to stop the server (tests); by default SIGTERM and SIGINT do. */
  until?: Promise<void>;
  onListening?: (address: string) => void;
}

export async function serve(config: Config, options: ServeOptions = {}): Promise<void> {
  const rules = loadRuleSet(options.rulesFile ?? defaultRulesPath());
  const store = createStore(config);
  await prepareStore(store);
  const app = await buildApp({
    store,
    rules,
    apiKeys: options.apiKeys,
    rateLimit: options.rateLimit,
    logger: { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'], stream: process.stderr },
  });
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  options.onListening?.(address);
  await (options.until ??
    new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    }));
  await app.close();
  await store.close();
}
