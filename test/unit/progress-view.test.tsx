import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { StageTracker } from '../../src/progress/stage-tracker.js';
import { ProgressView } from '../../src/tui/progress.js';

const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

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
    const view = render(<ProgressView tracker={tracker} title="Ingesting twcs.csv" />);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const frame = strip(view.lastFrame() ?? '');
    view.unmount();
    const lines = frame.split('\n');
    expect(lines[0]).toMatch(/^Ingesting twcs\.csv \(\d+\.\ds\)/);
    expect(frame).toMatch(/✔\s+Read CSV\s+2,811,774 rows/);
    expect(frame).toMatch(/▸\s+Normalize\+load\s+500,000 \/ 2,811,774 rows.*batch 1 of 6/);
    expect(frame).toMatch(/·\s+Quarantine/);
    // The fixed columns (icon, label, rows, rate, time) take 73 characters, so an 80-column terminal keeps them apart.
    const load = lines.find((line) => line.includes('Normalize+load')) ?? '';
    expect(load.indexOf('batch 1 of 6')).toBeLessThanOrEqual(73);
    expect(load).toMatch(/2,811,774 rows\s+\d[\d,]* rows\/s/);
  });
});
