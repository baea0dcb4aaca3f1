import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/base-command.js';

describe('describeError', () => {
  it('turns DuckDB running out of its memory limit into one sentence with what to do, not an unexpected error', () => {
    const problem = describeError(new Error('Out of Memory Error: failed to allocate data of size 16.0 MiB (974.8 MiB/976.5 MiB used)'));
    expect(problem).toMatchObject({ code: 'out_of_memory', exit: 1 });
    expect(problem.message).toBe('The staging database ran out of memory (failed to allocate data of size 16.0 MiB (974.8 MiB/976.5 MiB used)).');
    expect(problem.actions[0]).toMatch(/may use up to 1,280 MB/);
  });

  it('still calls an error it does not know unexpected, and says how to see more', () => {
    const problem = describeError(new Error('something odd\nat line 2'));
    expect(problem).toMatchObject({ code: 'internal', message: 'Unexpected error: something odd', exit: 1 });
  });
});
