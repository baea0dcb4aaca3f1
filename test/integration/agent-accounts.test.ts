// Anonymised agent accounts: in twcs some brands' agents are written as numbers, like customers, with inbound True.
// In the sample, 115722 answers 115721 twice and signs each reply like an agent (^NHP, ^JAY). process must read it as
// the brand: it gets no conversation or profile of its own, and its replies are the brand's messages in 115721's
// conversation, on both targets and with both engines. A numeric customer who once ends a tweet with ^Name stays one.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { processConversations, type Engine } from '../../src/conversations/process.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { createStore, prepareStore } from '../../src/stores/index.js';
import { ROOT } from '../helpers/cli.js';
import { TARGET_NAMES, useBothTargets, type TargetName } from '../helpers/targets.js';

const SAMPLE = path.join(ROOT, 'examples', 'twcs_sample.csv');
const targets = useBothTargets('agent-accounts');

interface Seen {
  customers: string[];
  profiles: string[];
  /** 115721's conversation: its brand, and its messages by side. */
  duke: { brand: string | null; customer_messages: number; brand_messages: number } | null;
}
const seen = new Map<string, Seen>();

async function look(target: TargetName): Promise<Seen> {
  const store = createStore(targets.config(target));
  try {
    await prepareStore(store);
    const data = await store.loadServingData('twitter');
    const all = <T,>(set: { length: number; row(i: number): T }) => Array.from({ length: set.length }, (_, i) => set.row(i));
    const conversations = all(data.openConversations);
    return {
      customers: [...new Set(conversations.map((row) => row.customer_id))],
      profiles: all(data.profiles).map((row) => row.customer_id),
      duke: ((row) => (row ? { brand: row.brand, customer_messages: row.customer_messages, brand_messages: row.brand_messages } : null))(
        conversations.find((row) => row.customer_id === '115721'),
      ),
    };
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  // A numeric customer who signs one reply like an agent: one such reply is not enough to be taken for a brand.
  const file = path.join(targets.home, 'sample-plus.csv');
  fs.writeFileSync(
    file,
    `${fs.readFileSync(SAMPLE, 'utf8').trimEnd()}\n` +
      '990001,777001,True,Tue Oct 31 10:00:00 +0000 2017,@AcmeHelp my order never came,990002,\n' +
      '990002,AcmeHelp,False,Tue Oct 31 10:05:00 +0000 2017,@777001 Sorry! Which order? ^AB,990003,990001\n' +
      '990003,777001,True,Tue Oct 31 10:09:00 +0000 2017,@AcmeHelp order 123 thanks ^Me,,990002\n',
  );
  for (const target of TARGET_NAMES) {
    const config = targets.config(target);
    await ingest(config, { file });
    const engines: Engine[] = target === 'chdb' ? ['duckdb', 'clickhouse'] : ['duckdb'];
    for (const engine of engines) {
      await processConversations(config, { engine, asOf: '2017-11-01T15:54:37Z' });
      seen.set(`${target}/${engine}`, await look(target));
    }
  }
}, 240_000);

describe('an anonymised agent account', () => {
  it('is no customer: no open conversation or profile of its own, on both targets and with both engines', () => {
    expect([...seen.keys()]).toEqual(['chdb/duckdb', 'chdb/clickhouse', 'postgres/duckdb']);
    for (const [key, view] of seen) {
      expect(view.customers, key).not.toContain('115722');
      expect(view.profiles, key).not.toContain('115722');
      // The customer it answered is still one; its two signed replies are the brand's side of that conversation.
      expect(view.profiles, key).toContain('115721');
      expect(view.duke, key).toEqual({ brand: 'VerizonSupport', customer_messages: 5, brand_messages: 5 });
    }
  });

  it('leaves a numeric customer who signs one message like an agent a customer', () => {
    for (const [key, view] of seen) expect(view.profiles, key).toContain('777001');
  });

  it('is read the same by every target and engine', () => {
    const views = [...seen.values()].map((view) => ({ ...view, customers: [...view.customers].sort(), profiles: [...view.profiles].sort() }));
    for (const view of views.slice(1)) expect(view).toEqual(views[0]);
  });
});
