// A persistent cache of model answers keyed by a hash of the request, so a re-run does not pay twice.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LlmOutput } from './schema.js';

export class LlmCache {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  static key(request: unknown): string {
    return createHash('sha256').update(JSON.stringify(request)).digest('hex');
  }

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): LlmOutput | null {
    try {
      return JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as LlmOutput;
    } catch {
      return null;
    }
  }

  set(key: string, value: LlmOutput): void {
    const file = this.file(key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename, so a killed run never leaves half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(value));
    fs.renameSync(`${file}.tmp`, file);
  }
}
