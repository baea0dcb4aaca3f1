// The flags several commands take, each defined once: the target and its store (--db, --home, --wait), the ingest
// flags (`ingest` and `run`), the engine of process (`process`, `train` and `run`), the rule set (`predict`, `evaluate`,
// `serve`), the policy and its model (`predict`, `serve`, `run`) and the predict flags (`predict` and `run`).
// `run` takes every flag of the stages it runs, so each stage's flags live here rather than in its command.
// Flags with a closed set of values use Flags.option, so a command gets the typed value without a cast.
import { Flags } from '@oclif/core';
import { DB_CHOICES, ENCODINGS, ENGINES, loadConfig, type Config, type DbChoice, type EncodingChoice } from '../config/index.js';
import { DEFAULT_WAIT_SECONDS, setEmbeddedWait } from '../stores/embedded-lock.js';
import { POLICIES } from '../decisions/policy.js';
import { OUTPUT_FORMATS } from '../decisions/predict.js';
import { LLM_MODES } from '../llm/enhance.js';

/** For every command that opens the store. */
export const storeFlags = {
  db: Flags.option({
    description: 'Target: clickhouse (embedded unless CLICKHOUSE_URL/HOST is set), chdb (always embedded), supabase or postgres.',
    options: DB_CHOICES,
  })(),
  home: Flags.string({ description: 'Folder for local state (staging DuckDB, embedded ClickHouse); default $RIVERLINE_HOME or ./.riverline.' }),
  // The embedded engine allows one process per folder; the waiting line goes to stderr, so --json stays one object on stdout.
  wait: Flags.integer({
    description: 'Seconds to wait while another process holds the embedded store, then fail naming it.',
    default: DEFAULT_WAIT_SECONDS,
    min: 0,
    max: 86_400,
  }),
};

export interface StoreFlagValues {
  db?: DbChoice;
  home?: string;
  wait: number;
  'batch-size'?: number;
}

/** The config from the environment (and .env) with the flags over it; applies --wait to every embedded store this process opens. */
export function configFromFlags(flags: StoreFlagValues): Config {
  setEmbeddedWait({ seconds: flags.wait });
  return loadConfig(process.env, { db: flags.db, home: flags.home, batchSize: flags['batch-size'] });
}

const instant = Flags.custom<Date>({
  parse: async (input) => {
    const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(input) ? `${input}T00:00:00Z` : input);
    if (Number.isNaN(date.getTime())) throw new Error(`Expected a date or time such as 2017-10-01 or 2017-10-01T12:00:00Z but received: ${input}`);
    return date;
  },
});

/** The ingest stage's flags: batch size, the file's encoding and the plausible time window. */
export const ingestFlags = {
  'batch-size': Flags.integer({ description: 'Rows per load batch (default 250000).', min: 1, max: 100_000_000 }),
  encoding: Flags.option({
    description: 'File encoding: auto reads UTF-8 and decodes records that are not UTF-8 as Windows-1252; windows-1252 (or latin-1) decodes every record so.',
    options: ENCODINGS,
    default: 'auto',
  })(),
  'not-before': instant({ description: "Quarantine tweets older than this (default 2006-03-21, Twitter's first day)." }),
  'not-after': instant({ description: 'Quarantine tweets newer than this (default one day after the newest time that is not in the future).' }),
};

/** The ingest options these flags set (the batch size goes to the config). */
export function ingestOptionsOf(flags: { encoding: EncodingChoice; 'not-before'?: Date; 'not-after'?: Date }): { encoding: EncodingChoice; notBefore?: Date; notAfter?: Date } {
  return { encoding: flags.encoding, notBefore: flags['not-before'], notAfter: flags['not-after'] };
}

export const engineFlag = Flags.option({
  description: 'Where process computes: duckdb (local, default; DATA_ENGINE) or clickhouse (inside the ClickHouse target).',
  options: ENGINES,
})();

export const rulesFlag = Flags.string({ description: 'A rule set (JSON) to use instead of the default rules.' });

/** The policy decisions run under (`predict`, `serve`, `run`). */
export const policyFlag = Flags.option({
  description: 'rules: the rule engine; imitate: what the brand\'s agents most likely do; learned: the allowed action of highest expected value. Default: learned when there is a model, else rules.',
  options: POLICIES,
})();

/** The model the imitate and learned policies read (`predict`, `serve`, `run`). */
export const modelFlag = Flags.string({ description: 'A model file (riverline-model/1 JSON, as `train --export` writes) or a model_id in the store; default: the latest model in the store.' });

/** The predict stage's flags (`predict` and `run`); --as-of is each command's own, since its meaning differs. */
export const predictFlags = {
  out: Flags.string({ description: 'Predictions file (default nba_predictions.csv, or .parquet/.json/.arrow by --format).' }),
  format: Flags.option({ description: 'Predictions file format (arrow: an Arrow IPC file for pandas, polars or DuckDB).', options: OUTPUT_FORMATS, default: 'csv' })(),
  customers: Flags.integer({ description: 'Only the N customers whose open conversations are most recent.', min: 1, max: 1_000_000_000 }),
  rules: rulesFlag,
  policy: policyFlag,
  model: modelFlag,
  llm: Flags.option({
    description: 'auto: rewrite messages with the configured model, else rules only; off; required: fail if the model cannot be reached.',
    options: LLM_MODES,
    default: 'auto',
  })(),
};
