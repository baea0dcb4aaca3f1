// Loads the customers into memory, starts the API on a port, reloads on SIGHUP, and closes gracefully on
// SIGTERM/SIGINT: stop accepting, finish in-flight requests, close the store's pools. Logs are JSON (pino) on stderr, with request ids; bodies are not logged.
import type { Config } from '../config/index.js';
import { loadRuleSet } from '../decisions/rules.schema.js';
import { defaultRulesPath } from '../decisions/predict.js';
import { createStore, prepareStore } from '../stores/index.js';
import path from 'node:path';
import { buildApp } from './app.js';
import { LlmCache } from '../llm/cache.js';
import { createLlmClient, Enhancer } from '../llm/enhance.js';
import { CustomerSnapshot } from './snapshot.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  rulesFile?: string;
  apiKeys?: string[];
  rateLimit?: number;
  /** How long a request waits for the model before answering with the rules (default 3 s). */
  llmDeadlineMs?: number;
  /** Resolves to stop the server (tests); by default SIGTERM and SIGINT do. */
  until?: Promise<void>;
  onListening?: (address: string) => void;
}

export async function serve(config: Config, options: ServeOptions = {}): Promise<void> {
  const rules = loadRuleSet(options.rulesFile ?? defaultRulesPath());
  const store = createStore(config);
  await prepareStore(store);
  const snapshot = new CustomerSnapshot();
  await snapshot.load(store, 'twitter');
  const enhancer = config.llm ? new Enhancer(createLlmClient(config.llm), config.llm, new LlmCache(path.join(config.home, 'llm-cache'))) : null;
  const app = await buildApp({
    store,
    snapshot,
    enhancer,
    llmDeadlineMs: options.llmDeadlineMs,
    rules,
    apiKeys: options.apiKeys,
    rateLimit: options.rateLimit,
    logger: { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'], stream: process.stderr },
  });
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  options.onListening?.(address);
  // SIGHUP reloads the customers after a new `riverline process`, without a restart.
  const reload = () => {
    snapshot.load(store, 'twitter').then(
      () => app.log.info({ customers: snapshot.customers }, 'customers reloaded'),
      (error: unknown) => app.log.error({ err: error }, 'reload failed; serving the previous data'),
    );
  };
  process.on('SIGHUP', reload);
  await (options.until ??
    new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    }));
  process.off('SIGHUP', reload);
  await app.close();
  await store.close();
}
