// Progress as plain lines on stderr, for CI and pipes: one line per stage when it ends (done, skipped or failed, with
// its count, rate and time), in stage order, under a heading per job when a command runs several. A stage still
// running after HEARTBEAT_MS says so, at most once per HEARTBEAT_MS, so a CI log never goes silent for long.
// A failed stage's line says only that it failed: the command prints the error's sentence once, after.
import { forTerminal } from '../cli/terminal-text.js';
import { columnWidths, stageCells, type ColumnWidths } from './stage-line.js';
import type { StageState, StageTracker } from './stage-tracker.js';

export { formatRows } from './stage-line.js';

const HEARTBEAT_MS = 30_000;
const ENDED = new Set<StageState['status']>(['done', 'skipped', 'failed']);

/** One stage as a line: "Label: status  rows  rate  time  note", the label column as wide as the longest label. */
export function describeStage(stage: StageState, now = Date.now(), widths: ColumnWidths = columnWidths([stage], now)): string {
  const cells = stageCells(stage, now);
  const label = `${cells.label}:`.padEnd(widths.label + 1);
  const counts = [cells.rows.padStart(widths.rows), cells.rate.padStart(widths.rate), cells.time.padStart(widths.time)].join('  ');
  return `${label} ${stage.status.padEnd(7)} ${counts}  ${cells.note}`.trimEnd();
}

export function attachPlainProgress(tracker: StageTracker, write: (line: string) => void, heartbeatMs = HEARTBEAT_MS): () => void {
  const groups = tracker.groups();
  const grouped = groups.length > 1;
  const groupOf = new Map(groups.flatMap((group) => group.stages.map((stage) => [stage.id, group.name] as const)));
  // Counts are at least MIN_WIDTHS wide (stage-line.ts), so lines printed one by one still line up.
  const labelWidth = Math.max(...tracker.stages.map((stage) => stageCells(stage).label.length));
  const printed = new Set<string>();
  const headed = new Set<string>();
  const lastLine = new Map<string, number>();

  const print = (stage: StageState, now: number) => {
    const group = groupOf.get(stage.id) ?? '';
    if (grouped && !headed.has(group)) {
      headed.add(group);
      write(`[riverline] ${forTerminal(group || 'other', { singleLine: true })}`);
    }
    const widths = { ...columnWidths([stage], now), label: labelWidth };
    write(`[riverline] ${grouped ? '  ' : ''}${describeStage(stage, now, widths)}`);
  };

  // Ended stages print in stage order: one that ends while an earlier one still runs (a skipped LLM rewrite during
  // Compose) waits for it. A stage never started (pending) holds nothing up.
  const flush = (now: number) => {
    for (const stage of tracker.stages) {
      if (printed.has(stage.id)) continue;
      if (stage.status === 'running') return;
      if (!ENDED.has(stage.status)) continue;
      printed.add(stage.id);
      print(stage, now);
    }
  };

  const onChange = (stage: StageState) => {
    const now = Date.now();
    if (stage.status === 'running') {
      const since = lastLine.get(stage.id) ?? stage.startedAt ?? now;
      if (now - since < heartbeatMs) return;
      lastLine.set(stage.id, now);
      print(stage, now);
      return;
    }
    flush(now);
  };
  const onFinish = () => flush(Date.now());
  tracker.on('change', onChange);
  tracker.on('finish', onFinish);
  return () => {
    tracker.off('change', onChange);
    tracker.off('finish', onFinish);
  };
}
