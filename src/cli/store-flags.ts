// --wait, for every command that opens the store: how long to wait while another process holds the embedded engine
// (it allows one process per folder). The waiting line goes to stderr, so --json output stays one object on stdout.
import { Flags } from '@oclif/core';
import { DEFAULT_WAIT_SECONDS, setEmbeddedWait } from '../stores/embedded-lock.js';

export const storeFlags = {
  wait: Flags.integer({
    description: 'Seconds to wait while another process holds the embedded store, then fail naming it.',
    default: DEFAULT_WAIT_SECONDS,
    min: 0,
    max: 86_400,
  }),
};

/** Applies the parsed --wait to every embedded store this process opens. */
export function useStoreFlags(flags: { wait: number }): void {
  setEmbeddedWait({ seconds: flags.wait });
}
