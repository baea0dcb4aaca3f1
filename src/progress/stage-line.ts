// The cells of one stage line, shared by the live view and the plain lines: rows, rate and time as text, and the
// width of each column, so a label never runs into its count (the label column fits the longest label).
import { forTerminal } from '../cli/terminal-text.js';
import { elapsedSeconds, rowsPerSecond, type StageState } from './stage-tracker.js';

export function formatRows(n: number): string {
  return n.toLocaleString('en-US');
}

export interface StageCells {
  label: string;
  rows: string;
  rate: string;
  time: string;
  note: string;
}

export interface ColumnWidths {
  label: number;
  rows: number;
  rate: number;
  time: number;
}

// Wide enough for "2,811,774 rows", "1,234,567/s" and "999.9s", so columns keep still while counts grow.
const MIN_WIDTHS = { rows: 14, rate: 11, time: 6 };

/** What a stage line shows; a note can quote data (a file name, a driver message), so every cell is one safe line. */
export function stageCells(stage: StageState, now = Date.now()): StageCells {
  // The total only while it differs from the count: a finished stage reads "121 rows", not "121 / 121 rows".
  const total = stage.total !== null && stage.total !== stage.rows ? ` / ${formatRows(stage.total)}` : '';
  return {
    label: forTerminal(stage.label, { singleLine: true }),
    rows: stage.rows > 0 ? `${formatRows(stage.rows)}${total} rows` : '',
    rate: stage.rows > 0 && stage.status !== 'pending' ? `${formatRows(Math.round(rowsPerSecond(stage, now)))}/s` : '',
    time: stage.startedAt !== null ? `${elapsedSeconds(stage, now).toFixed(1)}s` : '',
    note: forTerminal(stage.note, { singleLine: true }),
  };
}

/** Column widths for these stages: the longest label, and counts at least as wide as MIN_WIDTHS. */
export function columnWidths(stages: readonly StageState[], now = Date.now()): ColumnWidths {
  const cells = stages.map((stage) => stageCells(stage, now));
  const widest = (key: keyof StageCells, min: number) => Math.max(min, ...cells.map((cell) => cell[key].length));
  return { label: widest('label', 0), rows: widest('rows', MIN_WIDTHS.rows), rate: widest('rate', MIN_WIDTHS.rate), time: widest('time', MIN_WIDTHS.time) };
}
