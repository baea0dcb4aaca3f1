// throughPipe: a writer and a reader of one named pipe, where either may fail before the other has opened its end.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { throughPipe } from '../../src/conversations/tokenize.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-pipe-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let made = 0;
function makePipe(): string {
  const pipe = path.join(dir, `p${(made += 1)}`);
  expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
  return pipe;
}

/** Writes `chunks` into the pipe as a store's export writes its file. */
const writer = (chunks: string[]) => (pipe: string) => pipeline(Readable.from(chunks), fs.createWriteStream(pipe));

/** Reads the whole pipe, as the engine reads its source. */
async function readAll(pipe: string): Promise<string> {
  const parts: Buffer[] = [];
  const stream = fs.createReadStream(pipe);
  stream.on('data', (chunk) => parts.push(chunk as Buffer));
  await once(stream, 'close');
  return Buffer.concat(parts).toString('utf8');
}

describe('throughPipe', () => {
  it('hands every byte from the writer to the reader while both run', async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => `row ${i},${'x'.repeat(1000)}\n`);
    let read = '';
    await throughPipe(makePipe(), writer(chunks), async (pipe) => {
      read = await readAll(pipe);
    });
    expect(read).toBe(chunks.join(''));
  });

  it("lets the reader go when the writer fails before opening the pipe, and throws the writer's error", async () => {
    let reachedEnd = false;
    const failing = async () => {
      throw new Error('the export failed');
    };
    await expect(
      throughPipe(makePipe(), failing, async (pipe) => {
        await readAll(pipe);
        reachedEnd = true;
      }),
    ).rejects.toThrow('the export failed');
    expect(reachedEnd).toBe(true);
  });

  it("lets the writer go when the reader fails before opening the pipe, and throws the reader's error", async () => {
    const chunks = Array.from({ length: 1000 }, () => `${'y'.repeat(1000)}\n`);
    await expect(
      throughPipe(makePipe(), writer(chunks), async () => {
        throw new Error('the engine refused the query');
      }),
    ).rejects.toThrow('the engine refused the query');
  });

  it("stops the writer when the reader gives up half-way, and throws the reader's error", async () => {
    const chunks = Array.from({ length: 5000 }, () => `${'z'.repeat(1000)}\n`);
    await expect(
      throughPipe(makePipe(), writer(chunks), async (pipe) => {
        const stream = fs.createReadStream(pipe, { highWaterMark: 4096 });
        await once(stream, 'data');
        stream.destroy();
        throw new Error('parse error at row 3');
      }),
    ).rejects.toThrow('parse error at row 3');
  });
});
