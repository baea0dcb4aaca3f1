// A worker thread of batch predict's compose step: it composes one share of the decided rows (compose-share.ts) and
// reports how many rows each layer decided. compose-pool.ts starts it.
import { parentPort, workerData } from 'node:worker_threads';
import { composeShare, type ComposeShareSetup } from './compose-share.js';

parentPort?.postMessage(await composeShare(workerData as ComposeShareSetup));
