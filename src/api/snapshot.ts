// serve answers from memory: every customer's profile and open conversations, loaded from the store at start
// (and again on SIGHUP). A request is then pure computation, with no query on the hot path.
import type { ConversationRow, CustomerRecord, ProfileRow, RowSet, ServingData, Store } from '../stores/index.js';
import { arrayRowSet } from '../stores/rows.js';

/**
 * Where a customer's rows are: one Map lookup per request (customer -> slot), then typed arrays. A slot holds the
 * profile's row (-1: none) and its open conversations' rows, `openRows[openFrom[slot]]` up to `openFrom[slot + 1]`
 * (a compressed index, in row order). Two maps of 600,000+ entries each cost a second lookup and twice the heap.
 */
interface Index {
  slots: Map<string, number>;
  /** The customers with a profile: the first slots. */
  profileCustomers: number;
  profileRow: Int32Array;
  openFrom: Int32Array;
  openRows: Int32Array;
}

function buildIndex(profiles: RowSet<ProfileRow>, open: RowSet<ConversationRow>): Index {
  const slots = new Map<string, number>();
  // Sized for the most slots there can be (every row a customer of its own), trimmed at the end: each customer id is
  // read and looked up once (a second pass over 700,000 profiles cost a third of the index's 1.4 s).
  const profileRows = new Int32Array(profiles.length + open.length).fill(-1);
  const profileIds = profiles.customerIds();
  for (let i = 0; i < profiles.length; i += 1) {
    const customer = profileIds[i];
    let slot = slots.get(customer);
    if (slot === undefined) slots.set(customer, (slot = slots.size));
    // A customer id twice among the profiles keeps its last row, as a Map of customer -> row did.
    profileRows[slot] = i;
  }
  const profileCustomers = slots.size;
  // Open conversations' customers in slots; a customer without a profile gets a slot after the profiles'.
  const slotOfOpen = new Int32Array(open.length);
  const openIds = open.customerIds();
  for (let i = 0; i < open.length; i += 1) {
    const customer = openIds[i];
    let slot = slots.get(customer);
    if (slot === undefined) slots.set(customer, (slot = slots.size));
    slotOfOpen[i] = slot;
  }
  const profileRow = profileRows.slice(0, slots.size);
  const openFrom = new Int32Array(slots.size + 1);
  for (const slot of slotOfOpen) openFrom[slot + 1] += 1;
  for (let slot = 0; slot < slots.size; slot += 1) openFrom[slot + 1] += openFrom[slot];
  const next = openFrom.slice(0, slots.size);
  const openRows = new Int32Array(open.length);
  for (let i = 0; i < open.length; i += 1) openRows[next[slotOfOpen[i]]++] = i;
  return { slots, profileCustomers, profileRow, openFrom, openRows };
}

export class CustomerSnapshot {
  private profiles: RowSet<ProfileRow> = arrayRowSet([]);
  private open: RowSet<ConversationRow> = arrayRowSet([]);
  private index: Index = buildIndex(this.profiles, this.open);
  loadedAt: Date | null = null;

  async load(store: Store, platform: string): Promise<void> {
    this.replace(await store.loadServingData(platform));
  }

  /** Serves `data` from now on. */
  replace(data: ServingData): void {
    const index = buildIndex(data.profiles, data.openConversations);
    // Swap everything at once, so a request sees the old data or the new, never a mix.
    Object.assign(this, { profiles: data.profiles, open: data.openConversations, index, loadedAt: new Date() });
  }

  /** The customers with a profile. */
  get customers(): number {
    return this.index.profileCustomers;
  }

  /** null for a customer the data does not know. */
  get(customerId: string): CustomerRecord | null {
    const { slots, profileRow, openFrom, openRows } = this.index;
    const slot = slots.get(customerId);
    if (slot === undefined) return null;
    const at = profileRow[slot];
    const conversations: ConversationRow[] = [];
    for (let k = openFrom[slot]; k < openFrom[slot + 1]; k += 1) conversations.push(this.open.row(openRows[k]));
    return { profile: at < 0 ? null : this.profiles.row(at), conversations };
  }
}
