// serve answers from memory: every customer's profile and open conversations, loaded from the store at start
// (and again on SIGHUP). A request is then pure computation, with no query on the hot path.
import type { ConversationRow, CustomerRecord, ProfileRow, Store } from '../stores/index.js';

export class CustomerSnapshot {
  private profiles = new Map<string, ProfileRow>();
  private open = new Map<string, ConversationRow[]>();
  loadedAt: Date | null = null;

  async load(store: Store, platform: string): Promise<void> {
    const data = await store.loadServingData(platform);
    const profiles = new Map(data.profiles.map((row) => [row.customer_id, row]));
    const open = new Map<string, ConversationRow[]>();
    for (const row of data.openConversations) {
      const list = open.get(row.customer_id);
      if (list) list.push(row);
      else open.set(row.customer_id, [row]);
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
