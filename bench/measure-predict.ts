// Child process of the benchmark: runs one rules-only `predict` and reports its summary with this process's peak RSS.
import { loadConfig, type DbChoice } from '../src/config/index.js';
import { predict } from '../src/decisions/predict.js';

const [db, home, out] = process.argv.slice(2);
const config = loadConfig(process.env, { db: db as DbChoice, home });
const started = process.hrtime.bigint();
const result = await predict(config, { out });
const wall = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ ...result, wall_seconds: wall, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 })}\n`);
