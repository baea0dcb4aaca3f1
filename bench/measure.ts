// Child process of the benchmark: runs one job and reports its summary with this process's peak RSS.
// Usage: measure.js JOB DB HOME ARG, where ARG is the file for ingest, the engine for process and train, and the output
// file for predict (the default policy) and predict-learned (the learned policy with the store's latest model).
import { loadConfig, type Config, type DbChoice, type Engine } from '../src/config/index.js';
import { processConversations } from '../src/conversations/process.js';
import { predict } from '../src/decisions/predict.js';
import { train } from '../src/decisions/train.js';
import { ingest } from '../src/pipeline/ingest.js';

const JOBS: Record<string, (config: Config, arg: string) => Promise<object>> = {
  ingest: (config, file) => ingest(config, { file }),
  process: (config, engine) => processConversations(config, { engine: engine as Engine }),
  predict: (config, out) => predict(config, { out }),
  'predict-learned': (config, out) => predict(config, { out, policy: 'learned' }),
  train: (config, engine) => train(config, { engine: engine as Engine }),
};

const [job, db, home, arg] = process.argv.slice(2);
const run = JOBS[job];
if (!run) throw new Error(`measure.js: unknown job ${job}; expected one of ${Object.keys(JOBS).join(', ')}`);
const config = loadConfig(process.env, { db: db as DbChoice, home });
const started = process.hrtime.bigint();
const result = await run(config, arg);
const wall = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ ...result, wall_seconds: wall, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 })}\n`);
