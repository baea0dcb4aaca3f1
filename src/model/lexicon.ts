// The word lists behind conversation features (lexicon.json), flattened into rows both engines load as a table.
// Read when asked for (never at import), so a module that imports this reads no file.
import fs from 'node:fs';
import { dataFile } from '../data-file.js';

export interface LexiconRow {
  kind: string;
  term: string;
  topic: string;
  score: number;
  rank: number;
}

interface LexiconFile {
  sentiment: Record<string, number>;
  topics: Record<string, string[]>;
  [kind: string]: unknown;
}

export const TERM_KINDS = [
  'urgency',
  'escalation',
  'gratitude',
  'fixed',
  'negation',
  'closing',
  'ask_dm',
  'ask_email',
  'ask_phone',
  'customer_dm',
  'customer_email',
  'customer_phone',
] as const;

function lexiconPath(): string {
  return dataFile(import.meta.url, 'lexicon.json');
}

export function loadLexicon(): LexiconRow[] {
  const data = JSON.parse(fs.readFileSync(lexiconPath(), 'utf8')) as LexiconFile;
  const rows: LexiconRow[] = [];
  for (const [term, score] of Object.entries(data.sentiment)) rows.push({ kind: 'sentiment', term, topic: '', score, rank: 0 });
  Object.entries(data.topics).forEach(([topic, terms], rank) => {
    for (const term of terms) rows.push({ kind: 'topic', term, topic, score: 0, rank: rank + 1 });
  });
  for (const kind of TERM_KINDS) {
    for (const term of data[kind] as string[]) rows.push({ kind, term, topic: '', score: 0, rank: 0 });
  }
  return rows;
}

/** Terms whose matches a conversation lists (cues, and each topic's terms), in the order they are listed (byte order). */
export interface TermSet {
  kind: 'urgency' | 'escalation' | 'topic';
  topic: string;
  terms: string[];
}

/**
 * The DuckDB engine keeps which terms of a set matched as bits of a 64-bit mask (bit i = terms[i]), so a conversation's
 * list is a bit_or and not a list aggregate; a set can therefore hold at most 64 terms.
 */
export function termSets(rows: LexiconRow[] = loadLexicon()): TermSet[] {
  const sets = new Map<string, TermSet>();
  for (const row of rows) {
    if (row.kind !== 'urgency' && row.kind !== 'escalation' && row.kind !== 'topic') continue;
    const key = `${row.kind}:${row.topic}`;
    const set = sets.get(key) ?? { kind: row.kind, topic: row.topic, terms: [] };
    if (!set.terms.includes(row.term)) set.terms.push(row.term);
    sets.set(key, set);
  }
  for (const set of sets.values()) {
    set.terms.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (set.terms.length > 64) {
      throw new Error(`lexicon.json: the ${set.topic || set.kind} list has ${set.terms.length} terms; the most a list can hold is 64.`);
    }
  }
  return [...sets.values()];
}

/** The topics of the taxonomy in their order of precedence (a tie on hits goes to the earlier topic). */
export function topicNames(rows: LexiconRow[] = loadLexicon()): string[] {
  return [...new Set(rows.filter((row) => row.kind === 'topic').map((row) => row.topic))];
}

/** The distinct terms: only these can become features, so an export of words can ship just them. */
export function lexiconTerms(rows: LexiconRow[] = loadLexicon()): string[] {
  return [...new Set(rows.map((row) => row.term))];
}

/** Which kinds of hit each side's messages need. */
export const CUSTOMER_KINDS = ['sentiment', 'topic', 'urgency', 'escalation', 'gratitude', 'fixed', 'negation', 'customer_dm', 'customer_email', 'customer_phone'];
export const BRAND_KINDS = ['closing', 'ask_dm', 'ask_email', 'ask_phone'];
