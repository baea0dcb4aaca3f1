// explore's SQL is read-only unless --allow-files: no files read or written, no folders listed, no extensions
// installed or loaded, and no SET that turns it back on. Each refusal is one plain sentence naming --allow-files.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-explore-ro-'));
// An empty embedded store is enough: explore copies its (empty) tables and runs the query on the copy.
const home = path.join(dir, 'home');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const REFUSED = /^Error: The query was refused: explore is read-only, so a query cannot read or write files, use the network, load extensions or change settings \(.+\)\.$/m;

describe('explore --query is read-only by default', () => {
  const written = path.join(dir, 'copied.csv');
  const cases: Array<[string, string]> = [
    ['reading a file', "SELECT * FROM read_csv('/etc/passwd')"],
    ['listing a folder', "SELECT * FROM glob('/*')"],
    ['writing a file with COPY', `COPY (SELECT 1 AS a) TO '${written}'`],
    ['installing an extension', 'INSTALL httpfs'],
    ['loading an extension', 'LOAD httpfs'],
    ['turning external access back on', "SET enable_external_access = true; SELECT * FROM read_csv('/etc/passwd')"],
    ['unlocking the settings', 'SET lock_configuration = false'],
  ];
  for (const [what, sql] of cases) {
    it(`refuses ${what} in one sentence that names --allow-files`, async () => {
      const result = await runCli(['explore', '--home', home, '--query', sql]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(lines[0]).toMatch(REFUSED);
      expect(lines.slice(1)).toEqual(['  → Run explore again with --allow-files to let queries read and write files and load extensions.']);
      expect(result.stderr).not.toMatch(/root:x:0:0|\n\s+at /);
    });
  }

  it('wrote nothing and says query_refused under --json', async () => {
    expect(fs.existsSync(written)).toBe(false);
    const result = await runCli(['explore', '--home', home, '--json', '--query', "SELECT * FROM read_csv('/etc/passwd')"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'query_refused' });
  });

  it('still answers queries over its own tables', async () => {
    const result = await runCli(['explore', '--home', home, '--format', 'csv', '--query', 'SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM features) + 42 AS answer']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('answer\n42');
  });
});

describe('explore --allow-files', () => {
  it('lets a query read and write files', async () => {
    const file = path.join(dir, 'people.csv');
    fs.writeFileSync(file, 'name,n\nana,1\nbo,2\n');
    const copy = path.join(dir, 'copy.csv');
    const result = await runCli(['explore', '--home', home, '--allow-files', '--format', 'csv', '--query', `COPY (SELECT * FROM read_csv('${file}')) TO '${copy}'; SELECT sum(n) AS total FROM read_csv('${copy}')`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('total\n3');
  });
});

describe("explore's output on a terminal and in a pipe", () => {
  const hostile = "chr(27) || '[2J' || chr(27) || ']0;pwned' || chr(7) || 'x'";
  it('the table shows escape sequences from the data as placeholders', async () => {
    const result = await runCli(['explore', '--home', home, '--query', `SELECT ${hostile} AS t`]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(result.stdout).toContain('␛[2J␛]0;pwned␇x');
  });

  it('csv into a pipe keeps the exact bytes, and --json stays exact JSON', async () => {
    const csv = await runCli(['explore', '--home', home, '--format', 'csv', '--query', `SELECT ${hostile} AS t`]);
    expect(csv.stdout).toBe('t\n\u001b[2J\u001b]0;pwned\u0007x\n');
    const json = await runCli(['explore', '--home', home, '--json', '--query', `SELECT ${hostile} || chr(155) AS t`]);
    expect(JSON.parse(json.stdout)).toEqual({ columns: ['t'], rows: [{ t: '\u001b[2J\u001b]0;pwned\u0007x\u009b' }], row_count: 1 });
    expect(json.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

// The prompt needs a terminal: util-linux `script` (Debian's essential bsdutils) gives it one.

describe('the interactive prompt', () => {
  it('is read-only too', async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} explore --home ${JSON.stringify(home)}`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const waitFor = async (pattern: RegExp) => {
      for (let waited = 0; waited < 60_000 && !pattern.test(output); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    try {
      await waitFor(/riverline> /);
      child.stdin.write("SELECT * FROM read_csv('/etc/passwd');\r");
      await waitFor(/--allow-files/);
      child.stdin.write('SELECT 41 + 1 AS answer;\r');
      await waitFor(/\(1 row\)/);
    } finally {
      child.kill('SIGKILL');
    }
    expect(output).toMatch(/The query was refused: explore is read-only/);
    expect(output).toMatch(/Run explore again with --allow-files/);
    expect(output).not.toContain('root:x:0:0');
    expect(output).toMatch(/answer\s+-+\s+42/);
  });
});
