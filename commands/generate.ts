import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { generateTwcs, type GenerateResult } from '../src/generate/twcs.js';

export type { GenerateResult };

export default class Generate extends BaseCommand {
  static summary = 'Write a twcs-shaped CSV of any size with realistic reply threads.';
  static description =
    'Writes twcs-shaped data of any size, calibrated on the real file (text lengths, bytes per row, the brand mix, thread shapes, ' +
    'customers per thread, response times): brands and customers in multi-turn reply threads, quoted text with newlines and emoji, ' +
    'and on request malformed rows of each kind. The same --seed writes the same file; --outcomes writes threads whose outcomes follow ' +
    'a documented causal model, a ground truth for evaluate.';
  static examples = [
    { description: 'A sample of 10,000 rows:', command: '<%= config.bin %> <%= command.id %> --rows 10000 --out sample.csv' },
    { description: 'A file the size of the real twcs.csv:', command: '<%= config.bin %> <%= command.id %> --rows 2811774 --out twcs_big.csv --seed 7' },
    { description: 'With 25 malformed rows for ingest to quarantine:', command: '<%= config.bin %> <%= command.id %> --rows 1000 --out broken.csv --malformed 25' },
    { description: 'Threads with a known causal model of outcomes, as JSON:', command: '<%= config.bin %> <%= command.id %> --rows 5000 --out outcomes.csv --outcomes --json' },
  ];
  static flags = {
    rows: Flags.integer({ description: 'Data rows to write (malformed rows included).', required: true, min: 1, max: 1_000_000_000 }),
    out: Flags.string({ description: 'Output CSV path.', required: true }),
    seed: Flags.integer({ description: 'Random seed; the same seed writes the same file.', default: 42, min: -2_147_483_648, max: 4_294_967_295 }),
    malformed: Flags.integer({ description: 'How many malformed rows to mix in (bad timestamp, missing text, wrong column count, duplicate id, stray quote).', default: 0, min: 0, max: 1_000_000_000 }),
    outcomes: Flags.boolean({ description: 'Threads whose outcomes follow a documented causal model (src/generate/outcomes.ts): a ground truth for `evaluate`.', default: false }),
  };

  async run(): Promise<GenerateResult & { seconds: number }> {
    const { flags } = await this.parse(Generate);
    const started = Date.now();
    const result = generateTwcs({ rows: flags.rows, out: flags.out, seed: flags.seed, malformed: flags.malformed, outcomes: flags.outcomes });
    const seconds = (Date.now() - started) / 1000;
    this.log(`Wrote ${result.rows.toLocaleString('en-US')} rows (${result.threads.toLocaleString('en-US')} threads, ${result.customers.toLocaleString('en-US')} customers, ${result.brands} brands) to ${result.out} in ${seconds.toFixed(1)}s.`);
    return { ...result, seconds };
  }
}
