// The job skeleton every job runs in: the store's lifetime, the work folder, failing the tracker, `seconds`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { runJob } from '../../src/jobs/run-job.js';
import { StageTracker } from '../../src/progress/stage-tracker.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-run-job-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const config = loadConfig({}, { home, db: 'chdb' });
const STAGES = [
  { id: 'connect', label: 'Connect' },
  { id: 'work', label: 'Work' },
];

describe('runJob', () => {
  it('hands the steps a ready store and an empty work folder, removes the folder after, and adds seconds', async () => {
    const workDir = path.join(home, 'demo');
    fs.mkdirSync(workDir, { recursive: true });
    fs.writeFileSync(path.join(workDir, 'left-over.parquet'), 'from a run that was killed');
    const result = await runJob(config, { name: 'demo', stages: STAGES }, async (job) => {
      expect(job.workDir).toBe(workDir);
      expect(fs.readdirSync(job.workDir)).toEqual([]);
      expect(await job.store.interactionStats('twitter')).toMatchObject({ count: 0 });
      return { answer: 42 };
    });
    expect(result.answer).toBe(42);
    expect(result.seconds).toBeGreaterThanOrEqual(0);
    expect(fs.existsSync(workDir)).toBe(false);
  });

  it('marks the running stage failed, rethrows the error, and still closes the store and removes the work folder', async () => {
    const tracker = new StageTracker(STAGES);
    let close: ReturnType<typeof vi.spyOn> | undefined;
    const failing = runJob(config, { name: 'demo', stages: STAGES, tracker }, async (job) => {
      close = vi.spyOn(job.store, 'close');
      job.tracker.start('work');
      throw new Error('the disk is full');
    });
    await expect(failing).rejects.toThrow('the disk is full');
    expect(tracker.stages.map((stage) => [stage.id, stage.status])).toEqual([
      ['connect', 'done'],
      ['work', 'failed'],
    ]);
    // The message is kept for the caller (the command prints it once), not shown as the stage's note.
    expect(tracker.stages[1].error).toBe('the disk is full');
    expect(close).toHaveBeenCalledOnce();
    expect(fs.existsSync(path.join(home, 'demo'))).toBe(false);
  });
});
