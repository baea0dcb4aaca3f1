// Splits a CSV into physical records the way a forgiving human would, so that no record is lost uncounted.
// A record ends at a line end outside quotes; it spans lines only inside a quoted field that closes properly.
// A record that cannot be read (a quote that never closes, text after a closing quote, the wrong number of
// fields) is reported alone, as its first physical line, and reading resumes on the next line: one bad quote
// never swallows the rows after it. In a CRLF file a bare LF inside an unquoted text is text, as is a bare CR
// in an LF file (pandas writes both). Used twice: a counting pass over every file (no allocation per record),
// and, when the file needs it, a repair pass that writes a clean UTF-8 copy for DuckDB.

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Bytes the unquoted scan must stop at (comma, quote, LF, CR); every other byte is skipped in a tight loop. */
const SPECIAL = new Uint8Array(256);
SPECIAL[COMMA] = 1;
SPECIAL[QUOTE] = 1;
SPECIAL[LF] = 1;
SPECIAL[CR] = 1;

/** A quoted field longer than this is taken for a quote that never closed. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export type MalformedReason = 'unclosed_quote' | 'text_after_quote' | 'wrong_field_count' | 'record_too_long';

export interface SplitOptions {
  /** Field counts a record may have (the header's, or fewer when the header ends in unnamed columns). */
  minFields: number;
  maxFields: number;
  /** The header ended in CRLF: a bare LF inside an unquoted field is then text while fields are missing. */
  crlf: boolean;
}

export type RecordResult =
  | { kind: 'ok'; start: number; end: number; next: number; fields: number; strayQuote: boolean; bareCr: boolean }
  | { kind: 'bad'; start: number; end: number; next: number; reason: MalformedReason; fields: number }
  | { kind: 'incomplete' };

/**
 * Reads one record from buf[start..limit). `end` excludes the line terminator; `next` is where the next record
 * starts. `isLast` says no more bytes follow `limit`; otherwise a record that reaches `limit` is incomplete.
 */
export function readRecord(buf: Uint8Array, start: number, limit: number, isLast: boolean, options: SplitOptions): RecordResult {
  let fields = 1;
  let i = start;
  let inQuotes = false;
  let atFieldStart = true;
  let quoteClosed = false;
  let spannedLines = false;
  let joinedAt = -1;
  let joinedFields = 0;
  let strayQuote = false;
  let bareCr = false;
  while (i < limit) {
    if (inQuotes) {
      // Jump to the next quote; a line end on the way means the field spans lines.
      const quote = buf.indexOf(QUOTE, i);
      const stop = quote < 0 || quote >= limit ? limit : quote;
      if (!spannedLines) {
        const newline = buf.indexOf(LF, i);
        if (newline >= 0 && newline < stop) spannedLines = true;
      }
      if (stop - start > MAX_RECORD_BYTES) return firstLineBad(buf, start, limit, isLast, 'record_too_long', fields);
      i = stop;
      if (i >= limit) break;
    } else if (!quoteClosed) {
      const from = i;
      while (i < limit && SPECIAL[buf[i]] === 0) i += 1;
      if (i > from) atFieldStart = false;
      if (i >= limit) break;
    }
    const c = buf[i];
    if (inQuotes) {
      if (c === QUOTE) {
        if (i + 1 >= limit && !isLast) return { kind: 'incomplete' };
        if (buf[i + 1] === QUOTE) i += 2;
        else {
          inQuotes = false;
          quoteClosed = true;
          i += 1;
        }
        continue;
      }
      if (c === LF) spannedLines = true;
      if (i - start > MAX_RECORD_BYTES) return firstLineBad(buf, start, limit, isLast, 'record_too_long', fields);
      i += 1;
      continue;
    }
    if (quoteClosed && c !== COMMA && c !== LF && c !== CR) {
      return firstLineBad(buf, start, limit, isLast, 'text_after_quote', fields);
    }
    if (c === COMMA) {
      fields += 1;
      atFieldStart = true;
      quoteClosed = false;
      i += 1;
      continue;
    }
    if (c === LF) {
      const crlfEnd = i > start && buf[i - 1] === CR;
      if (options.crlf && !crlfEnd && fields < options.minFields) {
        // A bare LF in a CRLF file, with fields still missing: part of the text.
        if (joinedAt < 0) {
          joinedAt = i;
          joinedFields = fields;
        }
        atFieldStart = false;
        i += 1;
        continue;
      }
      const end = crlfEnd ? i - 1 : i;
      return finish(buf, start, end, i + 1, fields, limit, isLast, options, { spannedLines, joinedAt, joinedFields, strayQuote, bareCr });
    }
    if (c === CR) {
      if (i + 1 >= limit && !isLast) return { kind: 'incomplete' };
      if (buf[i + 1] !== LF) bareCr = true;
    } else if (c === QUOTE) {
      if (atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
        i += 1;
        continue;
      }
      strayQuote = true;
    }
    atFieldStart = false;
    i += 1;
  }
  if (!isLast) return { kind: 'incomplete' };
  if (inQuotes) return firstLineBad(buf, start, limit, isLast, 'unclosed_quote', fields);
  // The last record without a final line end.
  const end = limit > start && buf[limit - 1] === CR ? limit - 1 : limit;
  return finish(buf, start, end, limit, fields, limit, isLast, options, { spannedLines, joinedAt, joinedFields, strayQuote, bareCr });
}

function finish(
  buf: Uint8Array,
  start: number,
  end: number,
  next: number,
  fields: number,
  limit: number,
  isLast: boolean,
  options: SplitOptions,
  seen: { spannedLines: boolean; joinedAt: number; joinedFields: number; strayQuote: boolean; bareCr: boolean },
): RecordResult {
  if (fields >= options.minFields && fields <= options.maxFields) {
    return { kind: 'ok', start, end, next, fields, strayQuote: seen.strayQuote, bareCr: seen.bareCr || seen.joinedAt >= 0 };
  }
  // A quoted field that ran across lines into the wrong shape was a stray quote: only its first line is bad.
  if (seen.spannedLines) return firstLineBad(buf, start, limit, isLast, 'wrong_field_count', fields);
  if (seen.joinedAt >= 0) {
    const lineEnd = seen.joinedAt;
    return { kind: 'bad', start, end: lineEnd, next: lineEnd + 1, reason: 'wrong_field_count', fields: seen.joinedFields };
  }
  return { kind: 'bad', start, end, next, reason: 'wrong_field_count', fields };
}

/** The record's first physical line is the bad record; the next record starts on the line after it. */
function firstLineBad(buf: Uint8Array, start: number, limit: number, isLast: boolean, reason: MalformedReason, fields: number): RecordResult {
  const newline = indexOfByte(buf, LF, start, limit);
  if (newline < 0) {
    if (!isLast) return { kind: 'incomplete' };
    return { kind: 'bad', start, end: limit, next: limit, reason, fields };
  }
  const end = newline > start && buf[newline - 1] === CR ? newline - 1 : newline;
  return { kind: 'bad', start, end, next: newline + 1, reason, fields };
}

function indexOfByte(buf: Uint8Array, byte: number, from: number, limit: number): number {
  const found = buf.indexOf(byte, from);
  return found < 0 || found >= limit ? -1 : found;
}

/** The fields of a record read as ok, unquoted, as byte ranges [start, end) plus whether each needs unescaping. */
export function splitFields(buf: Uint8Array, start: number, end: number): Array<{ start: number; end: number; quoted: boolean }> {
  const out: Array<{ start: number; end: number; quoted: boolean }> = [];
  let i = start;
  for (;;) {
    if (i < end && buf[i] === QUOTE) {
      // Quoted: up to the closing quote that is not doubled.
      let j = i + 1;
      for (;;) {
        if (j >= end) break;
        if (buf[j] === QUOTE) {
          if (j + 1 < end && buf[j + 1] === QUOTE) {
            j += 2;
            continue;
          }
          break;
        }
        j += 1;
      }
      out.push({ start: i + 1, end: Math.min(j, end), quoted: true });
      // Past the closing quote (and a CR the line end left behind), to the comma.
      let k = j + 1;
      while (k < end && buf[k] !== COMMA) k += 1;
      if (k >= end) break;
      i = k + 1;
    } else {
      const comma = indexOfByte(buf, COMMA, i, end);
      if (comma < 0) {
        out.push({ start: i, end, quoted: false });
        break;
      }
      out.push({ start: i, end: comma, quoted: false });
      i = comma + 1;
    }
  }
  return out;
}
