import { describe, expect, it } from 'vitest';
import { loadLexicon, termSets, topicNames, type LexiconRow } from '../../src/model/lexicon.js';
import { termBit } from '../../src/conversations/duckdb.sql.js';

const row = (kind: string, term: string, topic = '', rank = 0): LexiconRow => ({ kind, term, topic, score: 0, rank });

describe('lexicon term sets (the lists a conversation names its matched terms from)', () => {
  it('lists each set once per term, in byte order, and gives every listed row its bit', () => {
    const rows = [row('urgency', 'now'), row('urgency', 'asap'), row('urgency', 'now'), row('topic', 'refund', 'refund', 5), row('topic', 'bill', 'billing', 1)];
    expect(termSets(rows)).toEqual([
      { kind: 'urgency', topic: '', terms: ['asap', 'now'] },
      { kind: 'topic', topic: 'refund', terms: ['refund'] },
      { kind: 'topic', topic: 'billing', terms: ['bill'] },
    ]);
    expect(topicNames(rows)).toEqual(['refund', 'billing']);
  });

  it('refuses a list of more than 64 terms, naming it', () => {
    const rows = Array.from({ length: 65 }, (_, i) => row('topic', `word${String(i).padStart(2, '0')}`, 'billing', 1));
    expect(() => termSets(rows)).toThrow(/billing list has 65 terms; the most a list can hold is 64/);
  });

  it('gives the shipped lexicon distinct bits within each list', () => {
    const shipped = loadLexicon();
    for (const set of termSets(shipped)) {
      const bits = shipped.filter((r) => r.kind === set.kind && r.topic === set.topic).map(termBit);
      expect(Math.min(...bits)).toBe(0);
      expect(Math.max(...bits)).toBe(set.terms.length - 1);
    }
    expect(termBit(row('sentiment', 'great'))).toBe(-1);
  });
});
