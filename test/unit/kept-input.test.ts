// keptInputFor: train reads the interactions process left only while the store still holds the same ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keptInputFor, type KeptInput } from '../../src/conversations/process.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-kept-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('keptInputFor', () => {
  const file = path.join(dir, 'interactions.parquet');
  fs.writeFileSync(file, 'rows');
  const newest = new Date('2017-12-01T10:00:00.123Z');
  const kept: KeptInput = { file, reader: 'read_parquet($file)', interactions: 42, newest };

  it('hands the file over when the store holds as many interactions, the newest at the same moment', () => {
    expect(keptInputFor(kept, { count: 42, newest: new Date(newest.getTime()) })).toBe(kept);
  });

  it('refuses it after another load, a missing file, or nothing kept', () => {
    expect(keptInputFor(kept, { count: 43, newest })).toBeNull();
    expect(keptInputFor(kept, { count: 42, newest: new Date(newest.getTime() + 1) })).toBeNull();
    expect(keptInputFor(kept, { count: 42, newest: null })).toBeNull();
    expect(keptInputFor({ ...kept, file: path.join(dir, 'gone.parquet') }, { count: 42, newest })).toBeNull();
    expect(keptInputFor(undefined, { count: 42, newest })).toBeNull();
  });
});
