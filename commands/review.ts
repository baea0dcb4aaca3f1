import os from 'node:os';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags } from '../src/cli/flags.js';
import { exportApproved, openReview } from '../src/tui/review-session.js';

export default class Review extends BaseCommand {
  static summary = 'Review proposed actions in the terminal: approve, reject, edit or re-route them; or export what was approved.';
  static examples = ['<%= config.bin %> review', '<%= config.bin %> review --file nba_predictions.csv', '<%= config.bin %> review --export approved.csv'];
  static flags = {
    file: Flags.string({ description: 'Review the rows of a predictions CSV instead of the newest run in the target.' }),
    export: Flags.string({ description: 'Write the approved (and edited) actions of the newest run to this CSV and exit.' }),
    reviewer: Flags.string({ description: 'Name stored with each decision.', default: os.userInfo().username }),
    ...storeFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Review);
    const config = this.loadConfig(flags);
    if (flags.export) {
      const count = await exportApproved(config, flags.export);
      if (this.jsonMode) this.printJson({ exported: count, out: flags.export });
      else this.log(`Wrote ${count} approved action${count === 1 ? '' : 's'} to ${flags.export}.`);
      return;
    }
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      this.error('review is an interactive screen and needs a terminal; use --export FILE to write the approved actions.', { exit: 1 });
    }
    const session = await openReview(config, { file: flags.file, reviewer: flags.reviewer });
    const [{ render }, { createElement }, { ReviewApp }] = await Promise.all([import('ink'), import('react'), import('../src/tui/review.js')]);
    const failures: string[] = [];
    const pending: Array<Promise<void>> = [];
    const app = render(
      createElement(ReviewApp, {
        items: session.items,
        height: process.stdout.rows ?? 24,
        onDecision: (decision) => {
          pending.push(session.save(decision).catch((error: Error) => void failures.push(error.message)));
        },
      }),
    );
    await app.waitUntilExit();
    await Promise.all(pending);
    await session.close();
    if (failures.length > 0) this.error(`${failures.length} decision(s) could not be saved: ${failures[0]}`, { exit: 1 });
  }
}
