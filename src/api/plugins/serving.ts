// What the routes answer from (app.serving): the customers in memory, their answers (decisions/answers.ts), and
// whether the app is ready. The snapshot comes from the caller, or is loaded here from the store.
import { createAnswers, type Answers } from '../../decisions/answers.js';
import type { RuleSet } from '../../decisions/rules.schema.js';
import type { PolicyChoice } from '../../decisions/single.js';
import type { Enhancer } from '../../llm/enhance.js';
import type { Store } from '../../stores/index.js';
import { CustomerSnapshot } from '../snapshot.js';
import { appWide } from './app-wide.js';

export type Readiness = { ready: true; customers: number; loaded_at: string | null } | { ready: false; reason: string };

export interface Serving {
  customers: CustomerSnapshot;
  answers: Answers;
  readiness(): Promise<Readiness>;
}

declare module 'fastify' {
  interface FastifyInstance {
    serving: Serving;
  }
}

export interface ServingOptions extends Record<string, unknown> {
  store?: Store;
  snapshot?: CustomerSnapshot;
  chatLog?: (conversationId: string, platform: string) => Promise<string>;
  rules: RuleSet;
  policy?: PolicyChoice;
  platform: string;
  enhancer?: Enhancer | null;
  llmDeadlineMs?: number;
  answerTtlMs?: number;
}

/** Needs the metrics plugin (it counts each decision). */
export const serving = appWide<ServingOptions>(async (app, options) => {
  const store = (): Store => {
    if (!options.store) throw new Error('buildApp needs a store, or a snapshot and a chatLog');
    return options.store;
  };
  const snapshot = options.snapshot ?? new CustomerSnapshot();
  if (!options.snapshot) await snapshot.load(store(), options.platform);
  const answers = createAnswers({
    customer: (customerId) => snapshot.get(customerId),
    rules: options.rules,
    policy: options.policy,
    platform: options.platform,
    enhancer: options.enhancer,
    chatLog: options.chatLog ?? ((conversationId, platform) => store().chatLog(conversationId, platform)),
    deadlineMs: options.llmDeadlineMs,
    ttlMs: options.answerTtlMs,
    onAnswer: (answer) => app.metrics.decisions.inc({ channel: answer.channel, llm_status: answer.llm_status }),
  });

  // serve passes no store (it has let go of it, for other commands to use), so it answers from memory; given a store,
  // readiness also means it answers with its tables.
  async function readiness(): Promise<Readiness> {
    if (options.store) {
      const ping = await options.store.ping();
      if (!ping.success) return { ready: false, reason: ping.error.message };
      const tables = await options.store.presentTables();
      const missing = ['interactions', 'conversations', 'customer_profiles'].filter((table) => !tables.includes(table));
      if (missing.length > 0) return { ready: false, reason: `missing tables: ${missing.join(', ')}; run riverline run FILE first` };
    }
    if (!snapshot.loadedAt) return { ready: false, reason: 'the customers are still loading' };
    if (snapshot.customers === 0) return { ready: false, reason: 'no customers loaded; run riverline process, then kill -HUP the server' };
    return { ready: true, customers: snapshot.customers, loaded_at: snapshot.loadedAt?.toISOString() ?? null };
  }

  app.decorate('serving', { customers: snapshot, answers, readiness });
});
