import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { rulesFlag, storeFlags } from '../src/cli/flags.js';
import { EVALUATE_STAGES, evaluate, type EvaluationResult } from '../src/decisions/evaluate.js';
import { CHANNELS } from '../src/decisions/rules.schema.js';

export type { EvaluationResult };

export default class Evaluate extends BaseCommand {
  static summary = 'Backtest the rules on history: replay every brand reply and compare channels with what the agent did.';
  static examples = ['<%= config.bin %> evaluate', '<%= config.bin %> evaluate --html report.html', '<%= config.bin %> evaluate --rules my-rules.json --json'];
  static flags = {
    html: Flags.string({ description: 'Also write the report as an HTML page with charts.' }),
    rules: rulesFlag,
    ...storeFlags,
  };

  async run(): Promise<EvaluationResult> {
    const { flags } = await this.parse(Evaluate);
    const config = this.loadConfig(flags);
    const result = await this.withProgress(EVALUATE_STAGES, 'Backtesting the rules', (tracker) => evaluate(config, { rulesFile: flags.rules, html: flags.html, tracker }));
    if (this.jsonMode) this.printJson(result);
    else {
      const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
      this.log(`Replayed ${result.samples} brand replies in ${result.seconds.toFixed(1)}s.`);
      this.log(`  agreement ${pct(result.agreement)} (majority baseline "${result.baseline_channel}": ${pct(result.baseline_agreement)})`);
      this.log(`  macro-F1  ${result.macro_f1.toFixed(3)} (baseline ${result.baseline_macro_f1.toFixed(3)})`);
      for (const channel of CHANNELS) {
        const s = result.per_channel[channel];
        this.log(`  ${channel.padEnd(24)} precision ${s.precision.toFixed(2)}  recall ${s.recall.toFixed(2)}  actual ${String(s.support).padStart(6)}  chosen ${String(s.predicted).padStart(6)}`);
      }
      const t = result.timing;
      this.log(`  timing: predicted send delay median ${t.median_predicted_delay_minutes ?? 'n/a'} min, actual brand response median ${t.median_actual_response_minutes ?? 'n/a'} min`);
      if (result.html) this.log(`  report: ${result.html}`);
    }
    return result;
  }
}
