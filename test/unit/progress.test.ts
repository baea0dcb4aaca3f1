import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROCESS_STAGES } from '../../src/conversations/process.js';
import { PREDICT_STAGES } from '../../src/decisions/predict.js';
import { TRAIN_STAGES } from '../../src/decisions/train.js';
import { INGEST_STAGES } from '../../src/pipeline/ingest.js';
import { attachPlainProgress } from '../../src/progress/plain.js';
import { StageTracker } from '../../src/progress/stage-tracker.js';

const RUN_STAGES = [...INGEST_STAGES, ...PROCESS_STAGES, ...TRAIN_STAGES, ...PREDICT_STAGES];

/** Plays a stage list the way the jobs do: start, an update per row, done; one row count for all. */
function playRows(tracker: StageTracker, rows: number): void {
  for (const stage of tracker.stages) {
    tracker.start(stage.id, rows);
    for (let n = 1; n <= rows; n++) tracker.update(stage.id, n);
    tracker.done(stage.id);
  }
  tracker.finish();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('plain progress', () => {
  it('prints one line per stage when it ends, under a heading per job, for 121 rows through run', () => {
    const tracker = new StageTracker(RUN_STAGES);
    const lines: string[] = [];
    attachPlainProgress(tracker, (line) => lines.push(line));
    playRows(tracker, 121);
    const headings = lines.filter((line) => /^\[riverline\] \S+$/.test(line));
    expect(headings).toEqual(['[riverline] ingest', '[riverline] process', '[riverline] train', '[riverline] predict']);
    expect(lines).toHaveLength(RUN_STAGES.length + 4);
    for (const stage of RUN_STAGES) expect(lines.filter((line) => line.includes(` ${stage.label}: `)), stage.label).toHaveLength(1);
    expect(lines.filter((line) => / done +121 rows +[\d,]+\/s +\d+\.\ds$/.test(line))).toHaveLength(RUN_STAGES.length);
  });

  it('lines up labels in a column as wide as the longest, so a label never touches its count', () => {
    const tracker = new StageTracker(RUN_STAGES);
    const lines: string[] = [];
    attachPlainProgress(tracker, (line) => lines.push(line));
    playRows(tracker, 150_000);
    const stageLines = lines.filter((line) => line.includes(': '));
    const statusColumn = new Set(stageLines.map((line) => line.search(/ (done|skipped|failed)\b/)));
    expect(statusColumn.size).toBe(1);
    const countColumn = new Set(stageLines.map((line) => line.indexOf(' rows') + ' rows'.length));
    expect(countColumn.size).toBe(1);
    for (const line of stageLines) expect(line).toMatch(/[\w+]: +done +150,000 rows/);
    expect(lines.find((line) => line.includes('Normalize+load'))).toMatch(/Normalize\+load: +done +150,000 rows/);
  });

  it('has no headings for a single job, and keeps "Label: status" for the longest label', () => {
    const tracker = new StageTracker(INGEST_STAGES);
    const lines: string[] = [];
    attachPlainProgress(tracker, (line) => lines.push(line));
    playRows(tracker, 121);
    expect(lines).toHaveLength(INGEST_STAGES.length);
    expect(lines.some((line) => line.startsWith('[riverline] Normalize+load: done'))).toBe(true);
  });

  it('prints a stage skipped while an earlier one runs after that one, and nothing for stages never started', () => {
    const tracker = new StageTracker(PREDICT_STAGES);
    const lines: string[] = [];
    attachPlainProgress(tracker, (line) => lines.push(line));
    tracker.start('predict_check');
    tracker.start('compose');
    tracker.skip('llm', '--llm off');
    expect(lines.map((line) => line.split(':')[0])).toEqual(['[riverline] Check convs']);
    tracker.start('predict_write');
    tracker.finish();
    expect(lines.map((line) => line.split(':')[0].replace('[riverline] ', ''))).toEqual(['Check convs', 'Compose', 'LLM rewrite', 'Write actions']);
    expect(lines[2]).toMatch(/LLM rewrite: +skipped +--llm off$/);
  });

  it('says a stage failed without its message: the command prints the sentence once', () => {
    const tracker = new StageTracker([
      { id: 'read', label: 'Read CSV' },
      { id: 'load', label: 'Load' },
    ]);
    const lines: string[] = [];
    attachPlainProgress(tracker, (line) => lines.push(line));
    tracker.start('read');
    tracker.start('load', 100);
    tracker.update('load', 50, 'batch 1 of 2');
    tracker.fail('disk full');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/Load: +failed +50 \/ 100 rows/);
    expect(lines.join('\n')).not.toContain('disk full');
    expect(tracker.stages[1].error).toBe('disk full');
  });

  it('says a long stage is still running once per heartbeat, not per row', () => {
    vi.useFakeTimers();
    const tracker = new StageTracker([{ id: 'load', label: 'Load' }]);
    const lines: string[] = [];
    attachPlainProgress(tracker, (line) => lines.push(line), 30_000);
    tracker.start('load', 1_000_000);
    for (let n = 1; n <= 100; n++) {
      vi.advanceTimersByTime(1_000);
      tracker.update('load', n * 10_000);
    }
    tracker.done('load');
    // 100 seconds: a line at 30, 60 and 90 s, then the one when it ends.
    expect(lines.filter((line) => / running /.test(line))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/Load: done +1,000,000 rows +10,000\/s +100\.0s$/);
  });
});
