import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { PROCESS_STAGES } from '../../src/conversations/process.js';
import { PREDICT_STAGES } from '../../src/decisions/predict.js';
import { TRAIN_STAGES } from '../../src/decisions/train.js';
import { INGEST_STAGES } from '../../src/pipeline/ingest.js';
import { StageTracker } from '../../src/progress/stage-tracker.js';
import { ProgressView } from '../../src/tui/progress.js';

const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
const RUN_STAGES = [...INGEST_STAGES, ...PROCESS_STAGES, ...TRAIN_STAGES, ...PREDICT_STAGES];

/** The last frame of the view in a terminal `width` columns wide (and `height` rows, when given), without colours. */
async function frameOf(tracker: StageTracker, title: string, width: number, height?: number): Promise<string[]> {
  const view = render(
    <Box width={width}>
      <ProgressView tracker={tracker} title={title} height={height} />
    </Box>,
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  const frame = strip(view.lastFrame() ?? '');
  view.unmount();
  return frame.split('\n');
}

/** Every stage of run done with `rows` rows, as at the end of a run over 150,000 rows. */
function finishedRun(rows: number): StageTracker {
  const tracker = new StageTracker(RUN_STAGES);
  for (const stage of tracker.stages) {
    tracker.start(stage.id, rows);
    tracker.update(stage.id, rows);
  }
  tracker.finish();
  return tracker;
}

describe('ProgressView', () => {
  it('shows each stage with its status, rows, rate and note in fixed columns', async () => {
    const tracker = new StageTracker([
      { id: 'read', label: 'Read CSV' },
      { id: 'load', label: 'Normalize+load' },
      { id: 'quarantine', label: 'Quarantine' },
    ]);
    tracker.start('read');
    tracker.update('read', 2_811_774);
    tracker.start('load', 2_811_774);
    tracker.update('load', 500_000, 'batch 1 of 6');
    const lines = await frameOf(tracker, 'Ingesting twcs.csv', 100);
    const frame = lines.join('\n');
    expect(lines[0]).toMatch(/^Ingesting twcs\.csv \(\d+\.\ds\)/);
    expect(frame).toMatch(/✔ Read CSV\s+2,811,774 rows/);
    expect(frame).toMatch(/▸ Normalize\+load\s+500,000 \/ 2,811,774 rows\s+[\d,]+\/s\s+\d+\.\ds\s+batch 1 of 6/);
    expect(frame).toMatch(/· Quarantine/);
    // No headings for one job.
    expect(lines).toHaveLength(4);
  });

  it('groups run under ingest, process, train and predict headings', async () => {
    const lines = await frameOf(finishedRun(121), 'Riverline run: twcs.csv', 120);
    const headings = lines.filter((line) => /^[a-z]+$/.test(line.trim()) && !line.startsWith(' '));
    expect(headings).toEqual(['ingest', 'process', 'train', 'predict']);
    expect(lines.indexOf('ingest')).toBeLessThan(lines.findIndex((line) => line.includes('Normalize+load')));
    expect(lines.indexOf('predict')).toBeLessThan(lines.findIndex((line) => line.includes('Write actions')));
  });

  it('never lets a label touch its count at 80 columns: the counts are right-aligned in one column after the longest label', async () => {
    const lines = await frameOf(finishedRun(150_000), 'Riverline run: twcs.csv', 80);
    const stageLines = lines.filter((line) => line.includes('150,000 rows'));
    expect(stageLines).toHaveLength(RUN_STAGES.length);
    for (const line of stageLines) {
      expect(line.length).toBeLessThanOrEqual(80);
      expect(line).toMatch(/✔ [A-Za-z+ ]*[A-Za-z+] {2,}150,000 rows/);
    }
    // Right-aligned: every count ends in the same column.
    expect(new Set(stageLines.map((line) => line.indexOf(' rows')))).toHaveLength(1);
  });

  it('folds finished jobs into one line each when the view would be as tall as the terminal', async () => {
    const tracker = new StageTracker(RUN_STAGES);
    for (const stage of tracker.stages.slice(0, INGEST_STAGES.length + PROCESS_STAGES.length)) tracker.start(stage.id);
    tracker.start('train_check');
    const lines = await frameOf(tracker, 'Riverline run: twcs.csv', 80, 24);
    expect(lines.length).toBeLessThan(24);
    expect(lines[1]).toMatch(/^✔ ingest\s+\d+\.\ds\s+5 stages$/);
    expect(lines).toContain('train');
    expect(lines.some((line) => line.includes('▸ Check history'))).toBe(true);
    // Given room, nothing folds.
    expect(await frameOf(tracker, 'Riverline run: twcs.csv', 80, 40)).toHaveLength(1 + 4 + RUN_STAGES.length);
  });

  it('marks a failed stage without repeating its message, which the command prints once', async () => {
    const tracker = new StageTracker(INGEST_STAGES);
    tracker.start('connect');
    tracker.fail('Could not reach PostgreSQL at postgres://u:***@127.0.0.1:1/x.');
    const frame = (await frameOf(tracker, 'Ingesting twcs.csv', 100)).join('\n');
    expect(frame).toMatch(/✘ Connect\s+\d+\.\ds\s+failed/);
    expect(frame).not.toContain('Could not reach');
  });
});
