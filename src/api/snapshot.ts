// serve answers from memory: every customer's profile and open conversations, loaded from the store at start
// (and again on SIGHUP). A request is then pure computation, with no query on the hot path.
import type { ConversationRow, CustomerRecord, ProfileRow, RowSet, ServingData, Store } from '../stores/index.js';
import { arrayRowSet } from '../stores/rows.js';

export class CustomerSnapshot {
  private profiles: RowSet<ProfileRow> = arrayRowSet([]);
  private open: RowSet<ConversationRow> = arrayRowSet([]);
  loadedAt: Date | null = null;

  async load(store: Store, platform: string): Promise<void> {
    this.replace(await store.loadServingData(platform));
  }

  /** Serves `data` from now on. */
  replace(data: ServingData): void {
    // Swap everything at once, so a request sees the old data or the new, never a mix.
    Object.assign(this, { profiles: data.profiles, open: data.openConversations, loadedAt: new Date() });
  }

  /** The customers with a profile. */
  get customers(): number {
    return this.profiles.customers;
  }

  /** null for a customer the data does not know. */
  get(customerId: string): CustomerRecord | null {
    const { profiles, open } = this;
    const profileRows = profiles.rowsOf(customerId);
    const openRows = open.rowsOf(customerId);
    if (profileRows.length === 0 && openRows.length === 0) return null;
    // A customer id twice among the profiles keeps its last row.
    const last = profileRows.at(-1);
    return { profile: last === undefined ? null : profiles.row(last), conversations: openRows.map((row) => open.row(row)) };
  }
}
