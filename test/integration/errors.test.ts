// The README's promise, checked on the real CLI: every error is one plain sentence with a next step, no stack,
// exit 2 for a bad flag (with the parser's own reason) and 1 for anything else.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/config/redact.js';
import { BIN, cliEnv, runCli, type CliResult } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-errors-'));
afterAll(() => {
  fs.chmodSync(path.join(dir, 'read-only'), 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
});
const home = path.join(dir, 'home');

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('Error:'));
}

/** One "Error:" line ending in a full stop, at most one "→" next step, nothing else: no stack, no raw error code. */
function expectOneSentence(result: CliResult): string {
  const lines = result.stderr.split('\n').filter((line) => line.trim() && !line.startsWith('[riverline]'));
  expect(errorLines(result.stderr), result.stderr).toHaveLength(1);
  expect(lines.filter((line) => !line.startsWith('Error:') && !line.startsWith('  → ')), result.stderr).toEqual([]);
  const [message] = errorLines(result.stderr);
  expect(message).toMatch(/\.$/);
  expect(result.stderr).not.toMatch(/\n\s+at |Unexpected error/);
  return message;
}

describe('a bad flag value', () => {
  const cases: Array<{ args: string[]; flag: string; reason: string }> = [
    { args: ['predict', '--customers', '0'], flag: '--customers', reason: 'expected an integer greater than or equal to 1 but received: 0' },
    { args: ['generate', '--rows', 'abc', '--out', path.join(dir, 'x.csv')], flag: '--rows', reason: 'expected an integer but received: abc' },
    { args: ['ingest', path.join(dir, 'x.csv'), '--batch-size', '0'], flag: '--batch-size', reason: 'expected an integer greater than or equal to 1 but received: 0' },
    { args: ['serve', '--port', '99999'], flag: '--port', reason: 'expected an integer less than or equal to 65535 but received: 99999' },
    // Past 2^64 this reached the database as an INT128 conversion error.
    { args: ['predict', '--customers', '99999999999999999999'], flag: '--customers', reason: 'expected an integer less than or equal to' },
  ];
  for (const { args, flag, reason } of cases) {
    it(`${args.slice(0, 3).join(' ')} exits 2 naming ${flag} and the parser's reason`, async () => {
      const result = await runCli([...args, '--home', home]);
      expect(result.code).toBe(2);
      const message = expectOneSentence(result);
      expect(message).toContain(`Bad value for ${flag}: ${reason}`);
      expect(result.stderr).toContain(`  → Run riverline ${args[0]} --help`);
    });
  }

  it('says the same under --json, with the code bad_flag', async () => {
    const result = await runCli(['predict', '--customers', '0', '--json', '--home', home]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'bad_flag', message: 'Bad value for --customers: expected an integer greater than or equal to 1 but received: 0.' });
    expect(result.stderr).toBe('');
  });

  it('a missing required flag exits 2 in one sentence', async () => {
    const result = await runCli(['generate', '--out', path.join(dir, 'x.csv')]);
    expect(result.code).toBe(2);
    expect(expectOneSentence(result)).toBe('Error: Missing required flag rows.');
  });

  it('shows an escape sequence typed into a flag as text, not as a command to the terminal', async () => {
    const result = await runCli(['predict', '--customers', '\u001b]0;pwned\u0007', '--home', home]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(errorLines(result.stderr)[0]).toContain('received: ␛]0;pwned␇');
  });
});

/** Runs the CLI as an unprivileged user when the tests run as root (root writes anywhere, so a read-only folder is not). */
function runAsUser(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const asRoot = process.getuid?.() === 0;
  return new Promise((resolve, reject) => {
    // The user's own HOME, for oclif's data folder: root's is closed to it.
    const userHome = path.join(dir, 'user-home');
    fs.mkdirSync(userHome, { recursive: true, mode: 0o777 });
    fs.chmodSync(userHome, 0o777);
    const options = asRoot ? { uid: 65534, gid: 65534, env: cliEnv({ ...env, HOME: userHome }) } : { env: cliEnv(env) };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('a home folder that cannot be written', () => {
  const readOnly = path.join(dir, 'read-only');
  fs.mkdirSync(readOnly, { recursive: true });
  fs.chmodSync(readOnly, 0o555);
  const aFile = path.join(dir, 'a-file');
  fs.writeFileSync(aFile, 'not a folder');
  // The errors.test folder must be reachable by the unprivileged user, down to the read-only folder.
  fs.chmodSync(dir, 0o755);

  const cases: Array<{ name: string; args: string[]; env: Record<string, string>; reason: RegExp }> = [
    { name: 'a read-only RIVERLINE_HOME', args: ['process'], env: { RIVERLINE_HOME: path.join(readOnly, 'home') }, reason: /not writable for this user/ },
    { name: 'a --home inside a read-only folder', args: ['explore', '--summary', '--home', path.join(readOnly, 'deeper', 'home')], env: {}, reason: /not writable for this user/ },
    { name: 'a RIVERLINE_HOME whose parent is a file', args: ['process'], env: { RIVERLINE_HOME: path.join(aFile, 'home') }, reason: /is a file, not a folder/ },
    { name: 'a --home that is a file', args: ['predict', '--home', aFile], env: {}, reason: /is a file, not a folder/ },
  ];
  for (const { name, args, env, reason } of cases) {
    it(`${name} is refused in one sentence that says what to do`, async () => {
      const result = await runAsUser(args, env);
      expect(result.code).toBe(1);
      const message = expectOneSentence(result);
      expect(message).toMatch(/^Error: The home folder .* cannot be written \(.*\): set RIVERLINE_HOME or --home to a folder you can write to\.$/);
      expect(message).toMatch(reason);
      expect(message).not.toMatch(/EACCES|ENOTDIR|EROFS/);
    });
  }

  it('reports the code home_not_writable under --json', async () => {
    const result = await runAsUser(['process', '--json', '--home', path.join(readOnly, 'home')]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'home_not_writable', data: { home: path.join(readOnly, 'home') } });
  });
});

describe('--llm required with the model away', () => {
  it('says the model did not answer, with its own code and a next step', async () => {
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-test-secret-key', RIVERLINE_LLM_MAX_RETRIES: '0' };
    const json = await runCli(['predict', '--llm', 'required', '--json', '--home', path.join(dir, 'llm')], env);
    expect(json.code).toBe(1);
    const { error } = JSON.parse(json.stdout);
    expect(error.code).toBe('llm_unreachable');
    expect(error.actions.join(' ')).toMatch(/OPENAI_BASE_URL .*--llm auto/);
    const text = await runCli(['predict', '--llm', 'required', '--home', path.join(dir, 'llm')], env);
    expect(expectOneSentence(text)).toMatch(/^Error: --llm required, but the model gpt-4o-mini did not answer: /);
    expect(text.stderr).not.toContain('sk-test-secret-key');
  });
});

describe('a database password equal to the user name', () => {
  it('hides the password only: the scheme, the user and the database name stay readable', async () => {
    const env = { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/postgres' };
    const result = await runCli(['process', '--db', 'postgres', '--home', path.join(dir, 'pg')], env);
    expect(result.code).toBe(1);
    expect(expectOneSentence(result)).toContain('postgres://postgres:***@127.0.0.1:1/postgres');
    expect(result.stderr).not.toContain('***://');
    expect(result.stderr).not.toContain(':postgres@');
  });

  it('redactSecrets hides URL passwords and secrets, never a URL scheme or user name', () => {
    // Handed the secret, it hides it in free text too, but never in the scheme or the user name.
    expect(redactSecrets('at postgres://postgres:postgres@db:5432/app failed for postgres', ['postgres'])).toBe('at postgres://postgres:***@db:5432/app failed for ***');
    expect(redactSecrets('https://user:s3cret@host/x and s3cret again', ['s3cret'])).toBe('https://user:***@host/x and *** again');
    // A password with a stray '@' is hidden whole; a token used as the user name is hidden too.
    expect(redactSecrets('postgres://u:p@ss@host/db', ['p@ss'])).toBe('postgres://u:***@host/db');
    expect(redactSecrets('https://tok-123456@github.com/x', ['tok-123456'])).toBe('https://***@github.com/x');
    // Without a secret list, a URL's password is still hidden.
    expect(redactSecrets('clickhouse at http://default:pw@ch:8123/', [])).toBe('clickhouse at http://default:***@ch:8123/');
  });
});

describe('a failing command', () => {
  const count = (text: string, part: string) => text.split(part).length - 1;

  it('prints the sentence of a missing file once', async () => {
    const missing = path.join(dir, 'missing.csv');
    const result = await runCli(['ingest', missing, '--home', path.join(dir, 'once')]);
    expect(result.code).toBe(1);
    expect(count(result.stderr, 'does not exist'), result.stderr).toBe(1);
  });

  it('prints the sentence of a failed stage once: the progress line says only that the stage failed', async () => {
    const result = await runCli(['process', '--home', path.join(dir, 'once')]);
    expect(result.code).toBe(1);
    expect(count(result.stderr, 'There are no interactions to process yet'), result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^\[riverline\] Check data: +failed +\d+\.\ds$/m);
    expectOneSentence(result);
  });
});
