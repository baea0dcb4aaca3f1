// Two passes over a source file with the forgiving record reader (records.ts):
// - scanRecords counts its records and says whether DuckDB's strict reader can take the file as it is
//   (valid UTF-8, no NUL, no bare line ends inside unquoted texts, no unreadable record);
// - repairRecords writes a clean copy DuckDB can read (UTF-8, every record well quoted, NULs removed, each
//   record's line number in the source in a last column) and lists the records it could not read.
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { readRecord, splitFields, type MalformedReason, type SplitOptions } from './records.js';
import { csvField } from '../files/csv-field.js';
import { WINDOWS_1252, type SourceFile } from './source-file.js';

const CHUNK_BYTES = 8 * 1024 * 1024;

export interface RecordScan {
  /** Records after the header: readable ones plus unreadable ones. */
  records: number;
  malformed: number;
  /** Why DuckDB's strict reader cannot take the file as it is; empty when it can. */
  needsRepair: string[];
}

export interface MalformedRecord {
  line_number: number;
  reason: MalformedReason;
  raw: string;
}

export interface RepairResult {
  records: number;
  /** Readable records written to the copy. */
  written: number;
  malformed: MalformedRecord[];
  /** Records decoded as Windows-1252 because they were not valid UTF-8. */
  windows1252Records: number;
  /** Records that held NUL bytes, removed in the copy. */
  nulRecords: number;
}

function splitOptions(source: SourceFile): SplitOptions {
  return { minFields: source.minColumns, maxFields: source.columnCount, crlf: source.crlf };
}

/** The file's bytes, decompressed, in chunks; the header is the first record of the first chunk. */
function openChunks(source: SourceFile): AsyncIterable<Buffer> {
  const stream = fs.createReadStream(source.path, { highWaterMark: CHUNK_BYTES });
  return source.compression === 'gzip' ? stream.pipe(zlib.createGunzip({ chunkSize: 1024 * 1024 })) : stream;
}

/**
 * Feeds every record of the file, after the header, to `onRecord`, carrying an incomplete record over to the
 * next chunk. `onChunk` sees each stretch of whole records once, for checks that run on bytes in bulk.
 */
async function eachRecord(
  source: SourceFile,
  onRecord: (buf: Buffer, record: Exclude<ReturnType<typeof readRecord>, { kind: 'incomplete' }>) => void,
  onChunk: (buf: Buffer, start: number, end: number) => void | Promise<void>,
): Promise<void> {
  const options = splitOptions(source);
  let carry: Buffer = Buffer.alloc(0);
  let headerDone = false;
  const consume = async (buf: Buffer, isLast: boolean): Promise<number> => {
    let position = 0;
    if (!headerDone) {
      const header = readRecord(buf, 0, buf.length, isLast, { minFields: 1, maxFields: Number.MAX_SAFE_INTEGER, crlf: false });
      if (header.kind === 'incomplete') return 0;
      headerDone = true;
      position = header.next;
    }
    const first = position;
    while (position < buf.length) {
      const record = readRecord(buf, position, buf.length, isLast, options);
      if (record.kind === 'incomplete') break;
      onRecord(buf, record);
      position = record.next;
    }
    await onChunk(buf, first, position);
    return position;
  };
  for await (const chunk of openChunks(source)) {
    const buf = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const used = await consume(buf, false);
    carry = buf.subarray(used);
  }
  if (carry.length > 0) await consume(carry, true);
}

export async function scanRecords(source: SourceFile): Promise<RecordScan> {
  let records = 0;
  let malformed = 0;
  let bareLineEnds = 0;
  let notUtf8 = false;
  let nul = false;
  await eachRecord(
    source,
    (_buf, record) => {
      records += 1;
      if (record.kind === 'bad') malformed += 1;
      else if (record.bareCr) bareLineEnds += 1;
    },
    (buf, start, end) => {
      if (start >= end) return;
      const stretch = buf.subarray(start, end);
      // Whole records end on an ASCII line end, so a stretch never splits a UTF-8 sequence.
      if (!notUtf8 && !isUtf8(stretch)) notUtf8 = true;
      if (!nul && stretch.indexOf(0) >= 0) nul = true;
    },
  );
  const needsRepair: string[] = [];
  if (malformed > 0) needsRepair.push(`${malformed} unreadable record${malformed === 1 ? '' : 's'}`);
  if (bareLineEnds > 0) needsRepair.push(`${bareLineEnds} record${bareLineEnds === 1 ? '' : 's'} with a bare line end inside an unquoted text`);
  if (source.forcedEncoding === 'windows-1252') needsRepair.push('Windows-1252 encoding (--encoding)');
  else if (notUtf8) needsRepair.push('bytes that are not UTF-8');
  if (nul) needsRepair.push('NUL bytes');
  if (source.minColumns < source.columnCount) needsRepair.push('unnamed trailing header columns');
  return { records, malformed, needsRepair };
}

/** A field for the clean copy: quoted when it holds a quote, comma or line end. */
const NUL_CHARS = /\0/g;

/** Writes the clean copy to `out` and returns what it did. */
export async function repairRecords(source: SourceFile, out: string): Promise<RepairResult> {
  const forced = source.forcedEncoding;
  const decode = (bytes: Buffer): { text: string; windows1252: boolean } => {
    if (forced === 'windows-1252') return { text: WINDOWS_1252.decode(bytes), windows1252: true };
    if (forced === 'utf-8') return { text: bytes.toString('utf8'), windows1252: false };
    if (isUtf8(bytes)) return { text: bytes.toString('utf8'), windows1252: false };
    return { text: WINDOWS_1252.decode(bytes), windows1252: true };
  };
  const result: RepairResult = { records: 0, written: 0, malformed: [], windows1252Records: 0, nulRecords: 0 };
  const stream = fs.createWriteStream(out, { highWaterMark: 4 * 1024 * 1024 });
  let pending: Buffer[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const bytes = Buffer.concat(pending);
    pending = [];
    if (!stream.write(bytes)) await once(stream, 'drain');
  };
  stream.write(`${[...source.header.map((name) => csvField(name.replace(/^\uFEFF/, ''))), 'source_line'].join(',')}\n`);

  // Line numbers count LFs: the header is line 1.
  let line = 2;
  await eachRecord(
    source,
    (buf, record) => {
      result.records += 1;
      const recordLine = line;
      // Lines this record spans, up to where the next record starts.
      for (let i = buf.indexOf(0x0a, record.start); i >= 0 && i < record.next; i = buf.indexOf(0x0a, i + 1)) line += 1;
      if (record.kind === 'bad') {
        result.malformed.push({ line_number: recordLine, reason: record.reason, raw: decode(buf.subarray(record.start, record.end)).text.replace(NUL_CHARS, '') });
        return;
      }
      const bytes = buf.subarray(record.start, record.end);
      if (!record.bareCr && record.fields === source.columnCount && forced !== 'windows-1252' && bytes.indexOf(0) < 0 && isUtf8(bytes)) {
        // Already what DuckDB reads: copied as it is.
        result.written += 1;
        pending.push(bytes, Buffer.from(`,${recordLine}\n`));
        return;
      }
      const fields = splitFields(buf, record.start, record.end);
      let windows1252 = false;
      let nul = false;
      const texts = fields.map((field) => {
        const decoded = decode(buf.subarray(field.start, field.end));
        windows1252 ||= decoded.windows1252;
        let text = field.quoted ? decoded.text.replace(/""/g, '"') : decoded.text;
        if (text.includes('\0')) {
          nul = true;
          text = text.replace(NUL_CHARS, '');
        }
        return csvField(text);
      });
      while (texts.length < source.columnCount) texts.push('');
      texts.push(String(recordLine));
      if (windows1252) result.windows1252Records += 1;
      if (nul) result.nulRecords += 1;
      result.written += 1;
      pending.push(Buffer.from(`${texts.join(',')}\n`));
    },
    flush,
  );
  stream.end();
  await once(stream, 'finish');
  return result;
}
