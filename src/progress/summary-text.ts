// What the commands' text summaries share so they fit 80 columns: short run ids, paths relative to the current folder,
// and long lines wrapped at spaces. Text only: --json keeps every full value.
import path from 'node:path';

export const SUMMARY_WIDTH = 80;

/** The first 8 characters of a run id (a UUID), enough to tell runs apart by eye; --json has the whole id. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** A path relative to `cwd` when it lies under it, else as given. */
export function shownPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Text that quotes paths (a target's description): every path under `cwd` shown relative to it. */
export function withShownPaths(text: string, cwd = process.cwd()): string {
  if (cwd === path.sep) return text;
  const escaped = `${cwd}${path.sep}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(^|[\\s(='"])${escaped}`, 'g'), '$1');
}

/**
 * One line broken at spaces into lines of at most `width` characters; lines after the first start with the first's
 * indent plus `hang` more spaces. Spacing inside a line that fits (aligned columns) is kept; a word longer than a line
 * (a URL) stays whole.
 */
export function wrapLine(line: string, options: { width?: number; hang?: number } = {}): string {
  const width = options.width ?? SUMMARY_WIDTH;
  const indent = /^ */.exec(line)?.[0].length ?? 0;
  const next = ' '.repeat(indent + (options.hang ?? 2));
  const lines: string[] = [];
  let lead = '';
  let rest = line;
  while (lead.length + rest.length > width) {
    const room = width - lead.length;
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= (lines.length === 0 ? indent : 0)) cut = rest.indexOf(' ', room);
    if (cut < 0) break;
    lines.push(lead + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    lead = next;
  }
  lines.push(lead + rest);
  return lines.join('\n');
}
