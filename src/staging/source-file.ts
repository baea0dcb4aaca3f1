// Looks at a CSV before DuckDB reads it: it exists, is not empty, which encoding it is in,
// and which of its columns (by header name) hold the twcs fields.
import fs from 'node:fs';
import { UserError, messageOf } from '../errors.js';
import type { EncodingChoice } from '../config/index.js';

export const REQUIRED_COLUMNS = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text'] as const;
export const OPTIONAL_COLUMNS = ['response_tweet_id', 'in_response_to_tweet_id'] as const;
export type SourceColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

export interface SourceFile {
  path: string;
  bytes: number;
  encoding: 'utf-8' | 'latin-1';
  /** Number of columns in the header; DuckDB reads positional columns c0..c(n-1). */
  columnCount: number;
  /** Position of each known column in the header; optional columns may be absent. */
  positions: Partial<Record<SourceColumn, number>>;
}

const BOM = '\uFEFF';

export function inspectSourceFile(file: string, encoding: EncodingChoice = 'auto'): SourceFile {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UserError('file_not_found', `The file ${file} does not exist.`, { actions: ['Check the path, or run `riverline generate --rows 1000 --out sample.csv` for test data.'] });
  }
  if (!stat.isFile()) throw new UserError('file_unreadable', `${file} is not a file.`);
  if (stat.size === 0) throw new UserError('file_empty', `The file ${file} is empty: it has no header and no rows.`);

  const detected = encoding === 'auto' ? detectEncoding(file) : encoding;
  const headerLine = readFirstLine(file, detected);
  const names = splitHeader(headerLine.replace(BOM, ''));
  const positions: Partial<Record<SourceColumn, number>> = {};
  names.forEach((raw, index) => {
    const name = raw.trim().toLowerCase() as SourceColumn;
    if ((REQUIRED_COLUMNS as readonly string[]).includes(name) || (OPTIONAL_COLUMNS as readonly string[]).includes(name)) {
      if (positions[name] === undefined) positions[name] = index;
    }
  });
  const missing = REQUIRED_COLUMNS.filter((name) => positions[name] === undefined);
  if (missing.length > 0) {
    throw new UserError('missing_columns', `The file ${file} lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (its header is: ${names.join(', ').slice(0, 200)}).`, {
      actions: [`A twcs file has the header ${[...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].join(',')}.`],
      data: { missing, header: names },
    });
  }
  return { path: file, bytes: stat.size, encoding: detected, columnCount: names.length, positions };
}

/** UTF-8 unless some byte sequence is not valid UTF-8, then Latin-1 (every byte is valid Latin-1). */
export function detectEncoding(file: string): 'utf-8' | 'latin-1' {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
  try {
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      decoder.decode(chunk.subarray(0, read), { stream: true });
    }
    decoder.decode();
    return 'utf-8';
  } catch (error) {
    if (error instanceof TypeError) return 'latin-1';
    throw new UserError('file_unreadable', `Could not read ${file}: ${messageOf(error)}`, { cause: error });
  } finally {
    fs.closeSync(fd);
  }
}

function readFirstLine(file: string, encoding: 'utf-8' | 'latin-1'): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, read).toString(encoding === 'utf-8' ? 'utf8' : 'latin1');
    const end = text.search(/\r?\n/);
    return end === -1 ? text : text.slice(0, end);
  } finally {
    fs.closeSync(fd);
  }
}

/** Splits a CSV header line, honouring double quotes. */
export function splitHeader(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}
