// Looks at a CSV before DuckDB reads it: it exists, is not empty, which encoding it is in,
// and which of its columns (by header name) hold the twcs fields.
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import zlib from 'node:zlib';
import { readRecord, splitFields } from './records.js';
import { UserError, messageOf } from '../errors.js';
import type { EncodingChoice } from '../config/index.js';

export const REQUIRED_COLUMNS = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text'] as const;
export const OPTIONAL_COLUMNS = ['response_tweet_id', 'in_response_to_tweet_id'] as const;
export type SourceColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

export type SourceCompression = 'none' | 'gzip';

export interface SourceFile {
  path: string;
  bytes: number;
  compression: SourceCompression;
  /** Set by --encoding; null lets the scan decide (UTF-8, or Windows-1252 record by record where UTF-8 fails). */
  forcedEncoding: 'utf-8' | 'windows-1252' | null;
  /** Header field names as written (BOM removed). */
  header: string[];
  /** The header line ends in CRLF (then a bare LF inside an unquoted text is text). */
  crlf: boolean;
  /** Number of columns in the header; DuckDB reads positional columns c0..c(n-1). */
  columnCount: number;
  /** Records may stop before trailing unnamed header columns (a header that ends in a comma). */
  minColumns: number;
  /** Position of each known column in the header; optional columns may be absent. */
  positions: Partial<Record<SourceColumn, number>>;
}

const BOM = '\uFEFF';
const HEAD_BYTES = 256 * 1024;

export function inspectSourceFile(file: string, encoding: EncodingChoice = 'auto'): SourceFile {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UserError('file_not_found', `The file ${file} does not exist.`, { actions: ['Check the path, or run `riverline generate --rows 1000 --out sample.csv` for test data.'] });
  }
  if (!stat.isFile()) throw new UserError('file_unreadable', `${file} is not a file.`);
  if (stat.size === 0) throw new UserError('file_empty', `The file ${file} is empty: it has no header and no rows.`);

  const { head, compression, complete } = readHead(file);
  refuseNonText(file, head);
  const result = readRecord(head, 0, head.length, complete, { minFields: 1, maxFields: Number.MAX_SAFE_INTEGER, crlf: false });
  if (result.kind !== 'ok') {
    throw new UserError('missing_columns', `The file ${file} does not start with a readable CSV header line.`, {
      actions: [`A twcs file starts with the header ${[...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].join(',')}.`],
    });
  }
  const headerBytes = head.subarray(result.start, result.end);
  const headerText = (isUtf8(headerBytes) ? headerBytes.toString('utf8') : WINDOWS_1252.decode(headerBytes)).replace(BOM, '');
  const names = splitHeader(headerText);
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
  let minColumns = names.length;
  while (minColumns > 1 && names[minColumns - 1].trim() === '') minColumns -= 1;
  const forcedEncoding = encoding === 'auto' ? null : encoding === 'utf-8' ? 'utf-8' : 'windows-1252';
  return {
    path: file,
    bytes: stat.size,
    compression,
    forcedEncoding,
    header: names,
    crlf: head[result.end] === 0x0d,
    columnCount: names.length,
    minColumns,
    positions,
  };
}

// Windows-1252's 0x80-0x9F (Node's TextDecoder maps the label to ISO-8859-1, which leaves them as C1 controls).
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Windows-1252 (what WHATWG also means by latin-1): every byte decodes; 0x80-0x9F to € ‘ ’ “ ” … */
export const WINDOWS_1252 = {
  decode(bytes: Uint8Array): string {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    return text.replace(/[\u0080-\u009f]/g, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80]);
  },
};

/** The first bytes of the file, decompressed when it is gzip. */
function readHead(file: string): { head: Buffer; compression: SourceCompression; complete: boolean } {
  const fd = fs.openSync(file, 'r');
  let raw: Buffer;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    raw = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    fs.closeSync(fd);
  }
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      const head = zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return { head, compression: 'gzip', complete: raw.length < HEAD_BYTES };
    } catch (error) {
      throw new UserError('file_unreadable', `The file ${file} looks gzip-compressed but cannot be decompressed (${messageOf(error)}).`, { cause: error });
    }
  }
  return { head: raw, compression: 'none', complete: raw.length < HEAD_BYTES };
}

/** Refuses, in one sentence, files that are not CSV text: UTF-16, archives, binaries. */
function refuseNonText(file: string, head: Buffer): void {
  const sample = head.subarray(0, 4096);
  const utf16Bom = (sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff);
  let nulAtOdd = 0;
  let nulAtEven = 0;
  for (let i = 0; i < Math.min(sample.length, 200); i++) {
    if (sample[i] === 0) {
      if (i % 2) nulAtOdd += 1;
      else nulAtEven += 1;
    }
  }
  if (utf16Bom || nulAtOdd > 20 || nulAtEven > 20) {
    throw new UserError('file_unreadable', `The file ${file} is UTF-16 text; Riverline reads UTF-8 or Windows-1252 CSV.`, {
      actions: [`Convert it first, for example: iconv -f UTF-16 -t UTF-8 "${file}" > converted.csv`],
    });
  }
  if (sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04) {
    throw new UserError('file_unreadable', `The file ${file} is a zip archive, not a CSV file.`, { actions: ['Unzip it and pass the CSV inside.'] });
  }
  const newline = sample.indexOf(0x0a);
  const firstLine = sample.subarray(0, newline < 0 ? sample.length : newline);
  for (const byte of firstLine) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0d) || byte === 0x7f) {
      throw new UserError('file_unreadable', `The file ${file} does not look like CSV text: its first line holds binary bytes.`, {
        actions: ['Pass the twcs CSV file itself (plain or gzip-compressed).'],
      });
    }
  }
}

/** UTF-8 unless some byte sequence of the file is not valid UTF-8, then Windows-1252. */
export function detectEncoding(file: string): 'utf-8' | 'windows-1252' {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      decoder.decode(chunk.subarray(0, read), { stream: true });
    }
    decoder.decode();
    return 'utf-8';
  } catch (error) {
    if (error instanceof TypeError) return 'windows-1252';
    throw new UserError('file_unreadable', `Could not read ${file}: ${messageOf(error)}`, { cause: error });
  } finally {
    fs.closeSync(fd);
  }
}

/** Splits a CSV header line, honouring double quotes, with the record reader's field splitter. */
export function splitHeader(line: string): string[] {
  const bytes = Buffer.from(line, 'utf8');
  return splitFields(bytes, 0, bytes.length).map((field) => {
    const text = bytes.subarray(field.start, field.end).toString('utf8');
    return field.quoted ? text.replace(/""/g, '"') : text;
  });
}
