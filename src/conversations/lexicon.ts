// The word lists behind conversation features (lexicon.json), flattened into rows both engines load as a table.
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

/** Which kinds of hit each side's messages need. */
export const CUSTOMER_KINDS = ['sentiment', 'topic', 'urgency', 'escalation', 'gratitude', 'fixed', 'negation', 'customer_dm', 'customer_email', 'customer_phone'];
export const BRAND_KINDS = ['closing', 'ask_dm', 'ask_email', 'ask_phone'];

/** A SQL list of quoted names from the closed sets above. */
export const sqlList = (names: string[]) => names.map((name) => `'${name.replace(/'/g, "''")}'`).join(', ');
