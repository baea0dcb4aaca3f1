import os from 'node:os';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags } from '../src/cli/flags.js';
import { forTerminal } from '../src/cli/terminal-text.js';
import { describeTarget } from '../src/config/index.js';
import { exportApproved, openReview, summarize, type ReviewSummary } from '../src/tui/review-session.js';
import type { ReviewItem } from '../src/tui/review-state.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export default class Review extends BaseCommand {
  static summary = 'Review proposed actions in the terminal: approve, reject, edit or re-route them; or export what was approved.';
  static description =
    "Shows the newest run's proposed actions, or a predictions CSV with --file, one conversation at a time with its chat and receipt. " +
    'Approve, reject, edit the message or re-route the channel; each decision is stored in nba_reviews with --reviewer. Without a ' +
    'terminal, use --export FILE to write the approved and edited actions.';
  static examples = [
    { description: "Review the newest run's actions:", command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Review a predictions file:', command: '<%= config.bin %> <%= command.id %> --file nba_predictions.csv' },
    { description: 'Write the approved and edited actions, as JSON:', command: '<%= config.bin %> <%= command.id %> --export approved.csv --json' },
    { description: 'The approved actions of the run in a file:', command: '<%= config.bin %> <%= command.id %> --file nba_predictions.csv --export approved.csv' },
  ];
  static flags = {
    file: Flags.string({ description: 'Review the rows of a predictions CSV (the nba_predictions.csv run or predict writes) instead of the newest run in the target.' }),
    export: Flags.string({ description: 'Write the approved (and edited) actions to this CSV and exit: of the newest run, or of the run in --file.' }),
    reviewer: Flags.string({ description: 'Name stored with each decision.', default: os.userInfo().username }),
    ...storeFlags,
  };

  async run(): Promise<{ exported: number; incomplete: number; out: string } | ReviewSummary> {
    const { flags } = await this.parse(Review);
    const config = this.loadConfig(flags);
    if (flags.export) {
      const { exported, incomplete } = await exportApproved(config, flags.export, { file: flags.file });
      this.log(`Wrote ${plural(exported, 'approved action')} to ${forTerminal(flags.export, { singleLine: true })}.`);
      if (incomplete > 0) this.log(`Left out ${plural(incomplete, 'action')} with no message or send time: open \`riverline review\` and complete them.`);
      return { exported, incomplete, out: flags.export };
    }
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      this.error('review is an interactive screen and needs a terminal; use --export FILE to write the approved actions.', { exit: 1 });
    }
    const session = await openReview(config, { file: flags.file, reviewer: flags.reviewer });
    const [{ render }, { createElement }, { ReviewApp }] = await Promise.all([import('ink'), import('react'), import('../src/tui/review.js')]);
    const failures: string[] = [];
    const pending: Array<Promise<void>> = [];
    const decided = new Map<string, ReviewItem['decision']>();
    const app = render(
      createElement(ReviewApp, {
        items: session.items,
        onDecision: (decision) => {
          decided.set(decision.conversation_id, decision.decision);
          pending.push(session.save(decision).catch((error: Error) => void failures.push(error.message)));
        },
      }),
    );
    await app.waitUntilExit();
    await Promise.all(pending);
    await session.close();
    if (failures.length > 0) this.error(`${failures.length} decision(s) could not be saved: ${failures[0]}`, { exit: 1 });
    const summary = summarize(session.items.map((item) => ({ decision: decided.get(item.conversation_id) ?? item.decision })));
    this.log(this.summaryText(summary, describeTarget(config.target), flags.file));
    return summary;
  }

  /** What the lead did, where it is kept, and how to get the approved actions out. */
  private summaryText(summary: ReviewSummary, target: string, file: string | undefined): string {
    const exportCommand = `riverline review${file ? ` --file ${forTerminal(file, { singleLine: true })}` : ''} --export approved.csv`;
    return [
      `Reviewed ${plural(summary.total, 'action')}: ${summary.approved} approved, ${summary.edited} edited, ${summary.rejected} rejected, ${summary.untouched} untouched.`,
      `Decisions are saved in nba_reviews (${target}); \`${exportCommand}\` writes the approved and edited ones.`,
    ].join('\n');
  }
}
