import { describe, expect, it } from 'vitest';
import { attachPlainProgress } from '../../src/progress/plain.js';
import { StageTracker } from '../../src/progress/stage-tracker.js';

describe('plain progress', () => {
  it('prints every status change and note, and throttles bare row counts', () => {
    const tracker = new StageTracker([
      { id: 'read', label: 'Read CSV' },
      { id: 'load', label: 'Load' },
    ]);
    const lines: string[] = [];
    attachPlainProgress(tracker, (line) => lines.push(line), 60_000);
    tracker.start('read');
    tracker.start('load', 100);
    tracker.update('load', 10);
    tracker.update('load', 20);
    tracker.update('load', 50, 'batch 1 of 2');
    tracker.fail('disk full');
    expect(lines[0]).toMatch(/Read CSV: running/);
    expect(lines.some((line) => /Read CSV: done/.test(line))).toBe(true);
    expect(lines.filter((line) => /Load: running, \d+\/100 rows/.test(line))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/Load: failed.*disk full/);
  });
});
