// Loads the customers into memory, starts the API on a port, reloads on SIGHUP, and closes gracefully on
// SIGTERM/SIGINT: stop accepting, finish in-flight requests, close the store's pools. Logs are JSON (pino) on stderr, with request ids; bodies are not logged.
// The embedded ClickHouse allows one process per folder, so serve holds the store only while it reads: other commands
// (process, predict, explore, review) run beside it, and `kill -HUP` picks up what they wrote.
import type { Config } from '../config/index.js';
import { loadRuleSet } from '../decisions/rules.schema.js';
import { defaultRulesPath } from '../decisions/rules-file.js';
import { choosePolicy, type PolicyRequest } from '../decisions/policy-choice.js';
import { RULES_ONLY, type PolicyChoice } from '../decisions/single.js';
import { createStore, prepareStore, type Store } from '../stores/index.js';
import path from 'node:path';
import { buildApp } from './app.js';
import { LlmCache } from '../llm/cache.js';
import { createLlmClient, Enhancer } from '../llm/enhance.js';
import { CustomerSnapshot } from './snapshot.js';
import { isUserError } from '../errors.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  rulesFile?: string;
  /** --policy and --model (a file or a model_id; default the store's latest model): learned when there is a model, else rules. */
  policy?: PolicyRequest;
  apiKeys?: string[];
  rateLimit?: number;
  /** How long a request waits for the model before answering with the rules (default 3 s). */
  llmDeadlineMs?: number;
  /** Resolves to stop the server (tests); by default SIGTERM and SIGINT do. */
  until?: Promise<void>;
  onListening?: (address: string) => void;
}

/** A store opened on first use and closed once no caller has needed it for `idleMs`, so the engine is free in between. */
class StoreOnDemand {
  private opened: Store | null = null;
  private users = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: Config,
    private readonly idleMs: number,
  ) {}

  async use<T>(work: (store: Store) => Promise<T>, options: { closeAfter?: boolean } = {}): Promise<T> {
    clearTimeout(this.idleTimer);
    this.users += 1;
    try {
      this.opened ??= createStore(this.config);
      return await work(this.opened);
    } finally {
      this.users -= 1;
      if (this.users === 0) {
        if (options.closeAfter) await this.close();
        else this.idleTimer = setTimeout(() => void this.close(), this.idleMs).unref();
      }
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.users > 0 || !this.opened) return;
    const store = this.opened;
    this.opened = null;
    await store.close();
  }
}

export async function serve(config: Config, options: ServeOptions = {}): Promise<void> {
  const rules = loadRuleSet(options.rulesFile ?? defaultRulesPath());
  const stores = new StoreOnDemand(config, 1000);
  const snapshot = new CustomerSnapshot();
  // The policy and its model, read with the customers (so `kill -HUP` after a new `train` picks up the latest model).
  const policy: PolicyChoice = { ...RULES_ONLY };
  // prepareStore waits (up to --wait) while another command holds the engine; the store closes as soon as it is read.
  const loadCustomers = () =>
    stores.use(
      async (store) => {
        await prepareStore(store);
        Object.assign(policy, await choosePolicy(options.policy ?? {}, store));
        await snapshot.load(store, 'twitter');
      },
      { closeAfter: true },
    );
  await loadCustomers();
  const enhancer = config.llm ? new Enhancer(createLlmClient(config.llm), config.llm, new LlmCache(path.join(config.home, 'llm-cache'))) : null;
  const app = await buildApp({
    snapshot,
    // Only the model's prompt needs a chat log: the store opens for it and closes when requests stop asking. While
    // another command holds the engine, the prompt goes without it rather than the request failing.
    chatLog: (conversationId, platform) =>
      stores.use((store) => store.chatLog(conversationId, platform)).catch((error: unknown) => {
        if (isUserError(error) && error.code === 'store_busy') return '';
        throw error;
      }),
    enhancer,
    llmDeadlineMs: options.llmDeadlineMs,
    rules,
    policy,
    apiKeys: options.apiKeys,
    rateLimit: options.rateLimit,
    logger: { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'], stream: process.stderr },
  });
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  options.onListening?.(address);
  app.log.info({ policy: policy.policy, model_id: policy.model?.model_id ?? null }, 'deciding under this policy');
  // SIGHUP reloads the customers after a new `riverline process`, without a restart.
  const reload = () => {
    loadCustomers().then(
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
  await stores.close();
}
