import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { Explorer } from '../../src/explore/explore.js';
import { completeName, runPrompt } from '../../src/explore/repl.js';

/** An explorer that answers every statement with the statement it got, and refuses the word "refuse". */
function fakeExplorer(seen: string[]): Explorer {
  return {
    async query(sql) {
      seen.push(sql);
      if (sql.includes('refuse')) throw new UserError('query_refused', 'The query was refused.', { actions: ['Run explore again with --allow-files.'] });
      return { columns: ['n'], rows: [{ n: seen.length }] };
    },
    async names() {
      return ['conversations', 'customer_id', 'customer_profiles'];
    },
    close() {},
  };
}

describe('the explore prompt', () => {
  it('runs a statement once it ends with ";", across lines, and goes on after a refused one', async () => {
    const seen: string[] = [];
    const printed: string[] = [];
    const input = new PassThrough();
    const done = runPrompt(fakeExplorer(seen), { log: (text) => printed.push(text), input, output: new PassThrough() });
    input.end('SELECT 1\nFROM conversations;\nSELECT refuse;\nSELECT 2;\n');
    await done;
    expect(seen).toEqual(['SELECT 1\nFROM conversations;\n', 'SELECT refuse;\n', 'SELECT 2;\n']);
    expect(printed[0]).toMatch(/^Tables: conversations, customer_profiles/);
    expect(printed[1]).toContain('(1 row)');
    expect(printed[2]).toBe('The query was refused.\n  → Run explore again with --allow-files.');
    expect(printed[3]).toMatch(/^n\s*\n-+\n3\n\(1 row\)$/);
  });

  it('completes table and column names from the word being typed', () => {
    const names = ['conversations', 'customer_id', 'customer_profiles'];
    expect(completeName(names, 'SELECT * FROM cust')).toEqual([['customer_id', 'customer_profiles'], 'cust']);
    expect(completeName(names, 'SELECT ')).toEqual([names, '']);
  });
});
