// serve answers from memory: every customer's profile and open conversations, loaded from the store at start
// (and again on SIGHUP). A request is then pure computation, with no query on the hot path.
import type { ConversationRow, CustomerRecord, ProfileRow, RowSet, Store } from '../stores/index.js';
import { arrayRowSet } from '../stores/rows.js';

export class CustomerSnapshot {
  private profiles: RowSet<ProfileRow> = arrayRowSet([]);
  private open: RowSet<ConversationRow> = arrayRowSet([]);
  /** customer -> row of profiles. */
  private profileIndex = new Map<string, number>();
  /** customer -> row of open (or rows, for a customer with several open conversations). */
  private openIndex = new Map<string, number | number[]>();
  loadedAt: Date | null = null;

  async load(store: Store, platform: string): Promise<void> {
    const data = await store.loadServingData(platform);
    const profileIndex = new Map<string, number>();
    for (let i = 0; i < data.profiles.length; i += 1) profileIndex.set(data.profiles.customerId(i), i);
    const openIndex = new Map<string, number | number[]>();
    for (let i = 0; i < data.openConversations.length; i += 1) {
      const customer = data.openConversations.customerId(i);
      const seen = openIndex.get(customer);
      if (seen === undefined) openIndex.set(customer, i);
      else if (typeof seen === 'number') openIndex.set(customer, [seen, i]);
      else seen.push(i);
    }
    // Swap everything at once, so a request sees the old data or the new, never a mix.
    Object.assign(this, { profiles: data.profiles, open: data.openConversations, profileIndex, openIndex, loadedAt: new Date() });
  }

  get customers(): number {
    return this.profileIndex.size;
  }

  /** null for a customer the data does not know. */
  get(customerId: string): CustomerRecord | null {
    const at = this.profileIndex.get(customerId);
    const rows = this.openIndex.get(customerId);
    if (at === undefined && rows === undefined) return null;
    const open = rows === undefined ? [] : typeof rows === 'number' ? [rows] : rows;
    return { profile: at === undefined ? null : this.profiles.row(at), conversations: open.map((i) => this.open.row(i)) };
  }
}
