// The word lists behind conversation features (lexicon.json), flattened into rows both engines load as a table.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

// The JSON ships beside the sources; from dist/ it is two folders up the same relative path.
function lexiconPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'lexicon.json'), path.resolve(here, '..', '..', '..', 'src', 'conversations', 'lexicon.json')];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`lexicon.json not found beside ${here}`);
  return found;
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
