import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { rulesFlag, storeFlags } from '../src/cli/flags.js';
import { DEFAULT_SPLIT, EVALUATE_STAGES, evaluate, type EvaluationResult } from '../src/decisions/evaluate.js';
import { POLICIES } from '../src/decisions/policy.js';
import { CHANNELS } from '../src/decisions/rules.schema.js';

export type { EvaluationResult };

const share = Flags.custom<number>({
  parse: async (input) => {
    const value = Number(input);
    if (!(value > 0 && value < 1)) throw new Error(`Expected a share between 0 and 1 (exclusive), such as 0.8, but received: ${input}`);
    return value;
  },
});

export default class Evaluate extends BaseCommand {
  static summary = 'Backtest on history: train on the earlier brand replies, replay the later ones under rules, imitate and learned, and estimate each policy\'s resolution rate.';
  static description =
    'Every brand reply that follows a customer message is a decision sample: the context just before it, the channel the agent ' +
    'steered to, and what followed. The models learn from the earliest replies (--split) and everything is scored on the latest only: ' +
    'agreement with the agents, macro-F1 and per-channel support, predicted, precision and recall, and off-policy estimates ' +
    '(IPS, SNIPS, doubly robust) of the resolution rate beside the logged resolution rate the agents achieved.';
  static examples = [
    { description: 'Train on the earliest 80% of brand replies, score the latest 20%:', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Another split, with an HTML report and one CSV row per replayed reply:', command: '<%= config.bin %> <%= command.id %> --split 0.7 --html report.html --out samples.csv' },
    { description: 'Score a model from elsewhere on every reply of this store, as JSON:', command: '<%= config.bin %> <%= command.id %> --model model.json --json' },
    { description: 'Another rule set under the rules policy:', command: '<%= config.bin %> <%= command.id %> --rules my-rules.json' },
  ];
  static flags = {
    split: share({ description: `Share of brand replies, earliest first, to train on; the rest is scored (default ${DEFAULT_SPLIT}).` }),
    model: Flags.string({ description: 'A model file (train --export) or model id to score on every reply of this store, instead of training.' }),
    out: Flags.string({ description: 'Write one CSV row per replayed brand reply: what the agent did, the outcome and each policy\'s choice.' }),
    html: Flags.string({ description: 'Also write the report as an HTML page with charts.' }),
    rules: rulesFlag,
    ...storeFlags,
  };

  async run(): Promise<EvaluationResult> {
    const { flags } = await this.parse(Evaluate);
    const config = this.loadConfig(flags);
    const result = await this.withProgress(EVALUATE_STAGES, 'Backtesting', (tracker) =>
      evaluate(config, { rulesFile: flags.rules, split: flags.split, model: flags.model, out: flags.out, html: flags.html, tracker }),
    );
    this.log(formatEvaluation(result));
    return result;
  }
}

/** The text of the result, in the words of its JSON keys (support, predicted, baseline, logged resolution rate). */
export function formatEvaluation(result: EvaluationResult): string {
  const split = result.split;
  const lines = [
    split.mode === 'time'
      ? `Trained on the earliest ${split.train_samples} brand replies (before ${split.until}); replayed the latest ${split.test_samples} in ${result.seconds.toFixed(1)}s. Model ${result.model_id}.`
      : `Scored model ${result.model_id} on all ${split.test_samples} brand replies of this store in ${result.seconds.toFixed(1)}s.`,
    `  ${'policy'.padEnd(30)} agreement  macro-F1  resolution rate: IPS / SNIPS / DR [95% interval of DR]  ESS`,
  ];
  const num = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));
  for (const policy of POLICIES) {
    const s = result.policies[policy];
    const o = result.off_policy[policy];
    const ci = o.ci95.dr ?? o.ci95.snips;
    lines.push(`  ${policy.padEnd(30)} ${s.agreement.toFixed(3).padStart(9)}  ${s.macro_f1.toFixed(3).padStart(8)}  ${num(o.ips)} / ${num(o.snips)} / ${num(o.dr)} [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]  ${o.ess.toFixed(0)}`);
  }
  lines.push(`  ${'baseline'.padEnd(30)} ${result.baseline.agreement.toFixed(3).padStart(9)}  ${result.baseline.macro_f1.toFixed(3).padStart(8)}  always ${result.baseline.channel}; logged resolution rate (the agents') ${result.logged_resolution_rate.toFixed(3)}`);
  lines.push(
    `  held by the guard-rails (no_action where the agent replied; counted as disagreement above): ${POLICIES.map((p) => {
      const s = result.policies[p];
      return `${p} ${s.held}${s.agreement_when_acting === null ? '' : ` (agreement when acting ${s.agreement_when_acting.toFixed(3)})`}`;
    }).join(', ')}`,
  );
  lines.push(`  per channel: support (the agents' replies there), then per policy predicted (its choices there) and precision / recall:`);
  for (const channel of CHANNELS) {
    const cells = POLICIES.map((p) => {
      const score = result.policies[p].per_channel[channel];
      return `${p} ${String(score.predicted).padStart(5)} ${score.precision.toFixed(2)}/${score.recall.toFixed(2)}`;
    }).join('  ');
    lines.push(`    ${channel.padEnd(24)} support ${String(result.policies.rules.per_channel[channel].support).padStart(6)}  ${cells}`);
  }
  if (result.out) lines.push(`  samples: ${result.out}`);
  if (result.html) lines.push(`  report: ${result.html}`);
  return lines.join('\n');
}
