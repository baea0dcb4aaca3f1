// Child process of the benchmark: runs one ingest and reports its summary with this process's peak RSS.
import { loadConfig, type DbChoice } from '../src/config/index.js';
import { ingest } from '../src/pipeline/ingest.js';

const [file, db, home] = process.argv.slice(2);
const config = loadConfig(process.env, { db: db as DbChoice, home });
const started = process.hrtime.bigint();
const result = await ingest(config, { file });
const wall = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ ...result, wall_seconds: wall, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 })}\n`);
