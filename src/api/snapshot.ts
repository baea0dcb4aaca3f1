// serve answers from memory: every customer's profile and open conversations, loaded from the store at start
// (and again on SIGHUP). A request is then pure computation, with no query on the hot path.
import type { CustomerRecord, Store } from '../stores/index.js';

export class CustomerSnapshot {
  private profiles = new Map<string, Record<string, unknown>>();
  private open = new Map<string, Array<Record<string, unknown>>>();
  loadedAt: Date | null = null;

  async load(store: Store, platform: string): Promise<void> {
    const data = await store.loadServingData(platform);
    const profiles = new Map(data.profiles.map((row) => [String(row.customer_id), row]));
    const open = new Map<string, Array<Record<string, unknown>>>();
    for (const row of data.openConversations) {
      const customer = String(row.customer_id);
      const list = open.get(customer);
      if (list) list.push(row);
      else open.set(customer, [row]);
    }
    // Swap whole maps, so a request sees the old data or the new, never a mix.
    this.profiles = profiles;
    this.open = open;
    this.loadedAt = new Date();
  }

  get customers(): number {
    return this.profiles.size;
  }

  /** null for a customer the data does not know. */
  get(customerId: string): CustomerRecord | null {
    const profile = this.profiles.get(customerId) ?? null;
    const conversations = this.open.get(customerId) ?? [];
    if (!profile && conversations.length === 0) return null;
    return { profile, conversations };
  }
}
