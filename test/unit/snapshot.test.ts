import { describe, expect, it } from 'vitest';
import { CustomerSnapshot } from '../../src/api/snapshot.js';
import type { ConversationRow, ProfileRow } from '../../src/stores/index.js';
import { arrayRowSet } from '../../src/stores/rows.js';

// Only the fields the index reads, and a marker to tell rows apart; serve's tests cover the rows' contents.
const profile = (customer_id: string, conversations: number) => ({ customer_id, conversations }) as unknown as ProfileRow;
const open = (customer_id: string, conversation_id: string) => ({ customer_id, conversation_id }) as unknown as ConversationRow;

describe("serve's customer snapshot", () => {
  const snapshot = new CustomerSnapshot();
  snapshot.replace({
    profiles: arrayRowSet([profile('a', 3), profile('b', 1), profile('c', 2)]),
    // c's two open conversations are apart in the rows; d has open conversations but no profile.
    openConversations: arrayRowSet([open('c', 'c1'), open('a', 'a1'), open('d', 'd1'), open('c', 'c2')]),
  });

  it("finds each customer's profile and every open conversation, in row order", () => {
    expect(snapshot.get('a')).toEqual({ profile: profile('a', 3), conversations: [open('a', 'a1')] });
    expect(snapshot.get('c')?.conversations.map((c) => c.conversation_id)).toEqual(['c1', 'c2']);
    expect(snapshot.get('c')?.profile?.conversations).toBe(2);
  });

  it('answers a customer with a profile and nothing open, and one with open conversations and no profile', () => {
    expect(snapshot.get('b')).toEqual({ profile: profile('b', 1), conversations: [] });
    expect(snapshot.get('d')).toEqual({ profile: null, conversations: [open('d', 'd1')] });
  });

  it('knows nobody else, and counts the customers with a profile', () => {
    expect(snapshot.get('e')).toBeNull();
    expect(snapshot.get('')).toBeNull();
    expect(snapshot.customers).toBe(3);
  });

  it('serves the new data whole after a reload', () => {
    const reloaded = new CustomerSnapshot();
    reloaded.replace({ profiles: arrayRowSet([profile('a', 3)]), openConversations: arrayRowSet([open('a', 'a1')]) });
    reloaded.replace({ profiles: arrayRowSet([profile('z', 1)]), openConversations: arrayRowSet([]) });
    expect(reloaded.get('a')).toBeNull();
    expect(reloaded.get('z')).toEqual({ profile: profile('z', 1), conversations: [] });
    expect(reloaded.customers).toBe(1);
  });
});
