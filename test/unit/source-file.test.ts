import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { detectEncoding, inspectSourceFile, splitHeader } from '../../src/staging/source-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-source-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function errorOf(work: () => unknown): UserError {
  try {
    work();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('inspectSourceFile', () => {
  it('maps columns by header name, skipping a leading unnamed index column and a BOM', () => {
    const file = write('index.csv', '\uFEFF,tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n');
    const source = inspectSourceFile(file);
    expect(source.columnCount).toBe(8);
    expect(source.positions).toEqual({ tweet_id: 1, author_id: 2, inbound: 3, created_at: 4, text: 5, response_tweet_id: 6, in_response_to_tweet_id: 7 });
  });

  it('accepts reordered columns and lacks only the optional ones', () => {
    const source = inspectSourceFile(write('reordered.csv', 'text,created_at,inbound,author_id,tweet_id\r\n'));
    expect(source.positions).toEqual({ text: 0, created_at: 1, inbound: 2, author_id: 3, tweet_id: 4 });
  });

  it('names the missing required columns', () => {
    const error = errorOf(() => inspectSourceFile(write('missing.csv', 'tweet_id,author_id,text\n1,a,hi\n')));
    expect(error.code).toBe('missing_columns');
    expect(error.message).toContain('inbound, created_at');
  });

  it('says when the file is missing or empty', () => {
    expect(errorOf(() => inspectSourceFile(path.join(dir, 'nope.csv'))).code).toBe('file_not_found');
    expect(errorOf(() => inspectSourceFile(write('empty.csv', ''))).code).toBe('file_empty');
  });

  it('detects Windows-1252 when a byte sequence is not UTF-8', () => {
    expect(detectEncoding(write('utf8.csv', 'a,b\ncafé 👍,1\n'))).toBe('utf-8');
    expect(detectEncoding(write('latin1.csv', Buffer.from('a,b\ncaf\xe9,1\n', 'latin1')))).toBe('windows-1252');
  });
});

describe('splitHeader', () => {
  it('honours quotes and doubled quotes', () => {
    expect(splitHeader('"tweet_id","a,b","say ""hi"""')).toEqual(['tweet_id', 'a,b', 'say "hi"']);
  });
});
