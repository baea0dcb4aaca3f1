// CSV the product writes (review --export) and reads (review --file) goes through DuckDB's writer and reader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv, writeCsv } from '../../src/files/csv.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeCsv and readCsv', () => {
  it('round-trip quotes, commas, line ends (CR included), emoji and NULLs', async () => {
    const file = path.join(dir, 'out.csv');
    const rows = [
      ['1', 'say "hi", then\nleave', null],
      ['2', 'carriage\rreturn 👍', 'x'],
    ];
    await writeCsv(file, ['id', 'message', 'brand'], rows);
    expect(fs.readFileSync(file, 'utf8')).toBe('id,message,brand\n1,"say ""hi"", then\nleave",\n2,"carriage\rreturn 👍",x\n');
    expect(await readCsv(file)).toEqual([
      { id: '1', message: 'say "hi", then\nleave', brand: null },
      { id: '2', message: 'carriage\rreturn 👍', brand: 'x' },
    ]);
  });
});
