// Data files (lexicon, default rules) ship in src/; compiled code in dist/src/ reads them from there.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The path of `name` beside the calling module's source, whether that module runs from src/ or dist/src/. */
export function dataFile(moduleUrl: string, name: string): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  const source = here.replace(`${path.sep}dist${path.sep}src${path.sep}`, `${path.sep}src${path.sep}`);
  return [path.join(here, name), path.join(source, name)].find((candidate) => fs.existsSync(candidate)) ?? path.join(source, name);
}
