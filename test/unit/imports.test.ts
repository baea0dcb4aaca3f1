// The arrows between modules: data flows commands -> stages -> adapters, with src/model below them all, and no two
// modules of src/ reach each other. Walks every import and export-from of src/ (type-only ones included).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = path.join(ROOT, 'src');
const STAGES = ['conversations', 'decisions', 'pipeline', 'staging', 'api', 'tui', 'explore', 'llm', 'jobs'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The project files a module imports (relative specifiers only; `./x.js` is `./x.ts` or `./x.tsx`). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const target = path.resolve(path.dirname(file), specifier);
      const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx')];
      return candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile()) ?? target;
    });
}

const name = (file: string) => path.relative(ROOT, file);
/** The top folder of src/ a file lives in ('stores', 'model', …), or null outside src/. */
const area = (file: string) => (file.startsWith(SRC + path.sep) ? path.relative(SRC, file).split(path.sep)[0] : null);

const graph = new Map(sourceFiles(SRC).map((file) => [file, importsOf(file)]));

function arrows(from: (file: string) => boolean, to: (file: string) => boolean): string[] {
  const found = [...graph].flatMap(([file, targets]) => (from(file) ? targets.filter(to).map((target) => `${name(file)} -> ${name(target)}`) : []));
  return [...new Set(found)];
}

/** One import cycle among src/ modules as a path (a -> b -> a), or null when there is none. */
function findCycle(): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (state.get(target) === 'open') return [...stack.slice(stack.indexOf(target)), target].map(name);
      if (!state.has(target)) {
        const cycle = visit(target);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    if (state.has(file)) continue;
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

describe('module imports', () => {
  it('finds the modules of src/ and their imports', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(path.join(SRC, 'stores', 'index.ts'))).toContain(path.join(SRC, 'stores', 'store.ts'));
  });

  it('adapters (src/stores) never import a stage', () => {
    expect(arrows((file) => area(file) === 'stores', (target) => STAGES.includes(area(target) ?? ''))).toEqual([]);
  });

  it('src/model imports nothing from the stages or the stores', () => {
    expect(arrows((file) => area(file) === 'model', (target) => [...STAGES, 'stores'].includes(area(target) ?? ''))).toEqual([]);
  });

  it('nothing in src/ imports a command', () => {
    const commands = path.join(ROOT, 'commands') + path.sep;
    expect(arrows(() => true, (target) => target.startsWith(commands))).toEqual([]);
  });

  it('no two modules of src/ import each other, directly or round a longer loop', () => {
    expect(findCycle()).toBeNull();
  });
});
