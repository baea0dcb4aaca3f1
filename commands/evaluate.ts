import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags, useStoreFlags } from '../src/cli/store-flags.js';
import { DB_CHOICES, loadConfig } from '../src/config/index.js';
import { EVALUATE_STAGES, evaluate, type EvaluationResult } from '../src/decisions/evaluate.js';
import { CHANNELS } from '../src/decisions/rules.schema.js';
import { StageTracker } from '../src/progress/stage-tracker.js';

export type { EvaluationResult };

export default class Evaluate extends BaseCommand {
  static summary = 'Backtest the rules on history: replay every brand reply and compare channels with what the agent did.';
  static examples = ['<%= config.bin %> evaluate', '<%= config.bin %> evaluate --html report.html', '<%= config.bin %> evaluate --rules my-rules.json --json'];
  static flags = {
    db: Flags.string({ description: 'Target: clickhouse, chdb, supabase or postgres.', options: [...DB_CHOICES] }),
    html: Flags.string({ description: 'Also write the report as an HTML page with charts.' }),
    rules: Flags.string({ description: 'A rule set (JSON) to evaluate instead of the default rules.' }),
    home: Flags.string({ description: 'Folder for local state; default $RIVERLINE_HOME or ./.riverline.' }),
    ...storeFlags,
  };

  async run(): Promise<EvaluationResult> {
    const { flags } = await this.parse(Evaluate);
    useStoreFlags(flags);
    const config = loadConfig(process.env, { db: flags.db as (typeof DB_CHOICES)[number] | undefined, home: flags.home });
    this.secrets = config.secrets;
    const tracker = new StageTracker(EVALUATE_STAGES);
    const stop = await this.showProgress(tracker, 'Backtesting the rules');
    let result: EvaluationResult;
    try {
      result = await evaluate(config, { rulesFile: flags.rules, html: flags.html, tracker });
    } finally {
      stop();
    }
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
