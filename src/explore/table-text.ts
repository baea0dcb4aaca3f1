// explore's results as text: an aligned table (numbers rounded and right-aligned, cut to the terminal's width), one
// `column: value` line per field (--vertical, like psql's \x), csv (exact) or json. Text from the data goes through
// forTerminal, so a control character shows as a placeholder; csv and json keep every value exact.
import { forTerminal, jsonForTerminal } from '../cli/terminal-text.js';
import { csvRecord } from '../files/csv-field.js';
import { textWidth, truncateToWidth, wrapToWidth } from '../tui/text-width.js';

export interface QueryRows {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  /** Per column, whether DuckDB typed it as a number; without it, a column holding only numbers is one. */
  numeric?: boolean[];
}

export interface TextOptions {
  /** The terminal's columns: the table is cut to it (long text first, then the columns that still do not fit). */
  width?: number;
  /** One `column: value` line per field, rows separated by a rule; a long value wraps under itself. */
  vertical?: boolean;
}

/** A cell never takes more than this in the table; --vertical shows the whole value. */
const MAX_CELL = 60;
/** Narrowest a text column gets when the table is cut to the terminal (narrower still when its values are). */
const MIN_CELL = 10;
/** A column keeps its heading whole up to this width, so the columns shown stay readable; the rest are left out. */
const MAX_HEADING = 18;
const GAP = '  ';

/** A number with at most 4 decimals (4 significant digits below 1), so 0.123456789 reads 0.1235; integers stay whole. */
export function shownNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const rounded = Math.abs(value) >= 1 ? Number(value.toFixed(4)) : Number(value.toPrecision(4));
  return String(rounded);
}

function cellText(value: unknown, numeric: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return shownNumber(value);
  // A wide decimal DuckDB could not hand over as a double without losing digits: rounded for reading only.
  if (numeric && typeof value === 'string' && /^-?\d+\.\d+$/.test(value)) return shownNumber(Number(value));
  return forTerminal(typeof value === 'object' ? JSON.stringify(value) : String(value), { singleLine: true });
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ');
const padStart = (text: string, width: number) => ' '.repeat(Math.max(0, width - textWidth(text))) + text;
const padEnd = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - textWidth(text)));

export function formatRows(result: QueryRows, format: 'table' | 'csv' | 'json', options: TextOptions = {}): string {
  if (format === 'json') return jsonForTerminal(result.rows, 2);
  if (format === 'csv') {
    const text = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
    return [csvRecord(result.columns), ...result.rows.map((row) => csvRecord(result.columns.map((column) => text(row[column]))))].join('\n');
  }
  const numeric = result.columns.map(
    (column, i) => result.numeric?.[i] ?? (result.rows.some((row) => typeof row[column] === 'number') && result.rows.every((row) => row[column] === null || typeof row[column] === 'number')),
  );
  const names = result.columns.map((column) => forTerminal(column, { singleLine: true }));
  const cells = result.rows.map((row) => result.columns.map((column, i) => oneLine(cellText(row[column], numeric[i]))));
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`;
  return [...(options.vertical ? vertical(names, cells, options.width) : table(names, cells, numeric, options.width)), count].join('\n');
}

function table(names: string[], cells: string[][], numeric: boolean[], width: number | undefined): string[] {
  const widths = names.map((name, i) => Math.min(MAX_CELL, Math.max(textWidth(name), ...cells.map((row) => textWidth(row[i])))));
  let shown = names.length;
  if (width) {
    const total = () => widths.slice(0, shown).reduce((sum, w) => sum + w, 0) + GAP.length * (shown - 1);
    // Long text gives way first, a column at a time from the widest, down to its heading; numbers keep their digits.
    const floor = names.map((name, i) => Math.min(widths[i], Math.max(MIN_CELL, Math.min(textWidth(name), MAX_HEADING))));
    while (total() > width) {
      const widest = widths.slice(0, shown).reduce((best, w, i) => (!numeric[i] && w > floor[i] && (best < 0 || w > widths[best]) ? i : best), -1);
      if (widest < 0) break;
      widths[widest] -= 1;
    }
    while (shown > 1 && total() > width) shown -= 1;
  }
  const line = (values: string[]) =>
    values
      .slice(0, shown)
      .map((value, i) => {
        const cut = truncateToWidth(value, widths[i]);
        return numeric[i] ? padStart(cut, widths[i]) : padEnd(cut, widths[i]);
      })
      .join(GAP)
      .trimEnd();
  const hidden = names.length - shown;
  return [
    line(names),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    ...(hidden > 0 ? [hiddenNote(names.slice(shown), width)] : []),
  ];
}

/** Names the columns left out when that fits the width, else counts them. */
function hiddenNote(hidden: string[], width: number | undefined): string {
  const columns = `${hidden.length} more column${hidden.length === 1 ? '' : 's'}`;
  const named = `(${columns} did not fit: ${hidden.join(', ')}; --vertical shows every field)`;
  return !width || textWidth(named) <= width ? named : `(${columns} did not fit; --vertical shows every field)`;
}

function vertical(names: string[], cells: string[][], width: number | undefined): string[] {
  const nameWidth = Math.max(0, ...names.map(textWidth)) + 1;
  const lines: string[] = [];
  cells.forEach((row, r) => {
    const rule = `-[ row ${r + 1} ]`;
    lines.push(rule + '-'.repeat(Math.max(0, Math.min(width ?? 40, 40) - rule.length)));
    names.forEach((name, i) => {
      const values = width ? wrapToWidth(row[i], Math.max(MIN_CELL, width - nameWidth - 1)) : [row[i]];
      values.forEach((value, k) => lines.push(`${k === 0 ? padEnd(`${name}:`, nameWidth) : ' '.repeat(nameWidth)} ${value}`.trimEnd()));
    });
  });
  return lines;
}
