// Progress as plain lines on stderr, for CI and pipes: one line per stage change, row updates throttled.
import { forTerminal } from '../cli/terminal-text.js';
import { elapsedSeconds, rowsPerSecond, type StageState, type StageTracker } from './stage-tracker.js';

export function formatRows(n: number): string {
  return n.toLocaleString('en-US');
}

export function describeStage(stage: StageState, now = Date.now()): string {
  const parts = [`${stage.label}: ${stage.status}`];
  if (stage.rows > 0) parts.push(`${formatRows(stage.rows)}${stage.total !== null ? `/${formatRows(stage.total)}` : ''} rows`);
  if (stage.rows > 0 && stage.status !== 'pending') parts.push(`${formatRows(Math.round(rowsPerSecond(stage, now)))} rows/s`);
  if (stage.startedAt !== null) parts.push(`${elapsedSeconds(stage, now).toFixed(1)}s`);
  if (stage.note) parts.push(stage.note);
  // A note can quote data (a file name, a driver message): one line, no escapes.
  return forTerminal(parts.join(', '), { singleLine: true });
}

export function attachPlainProgress(tracker: StageTracker, write: (line: string) => void, throttleMs = 1000): () => void {
  let lastRowLine = 0;
  const lastSeen = new Map<string, string>();
  const onChange = (stage: StageState) => {
    // A new status or note (e.g. "batch 3 of 12") always prints; bare row counts are throttled.
    const key = `${stage.status}|${stage.note}`;
    const statusChanged = lastSeen.get(stage.id) !== key;
    lastSeen.set(stage.id, key);
    const now = Date.now();
    if (!statusChanged && now - lastRowLine < throttleMs) return;
    if (!statusChanged) lastRowLine = now;
    write(`[riverline] ${describeStage(stage, now)}`);
  };
  tracker.on('change', onChange);
  return () => tracker.off('change', onChange);
}
