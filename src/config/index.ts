// One typed, validated Config from environment (.env included) and flags; flags win.
// The seed's variable names (CLICKHOUSE_HOST/PORT/USER/PASSWORD, DATA_ENGINE, SUPABASE_URL/KEY) keep working.
import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { redactUrl } from './redact.js';

export const TARGETS = ['clickhouse', 'postgres'] as const;
export type TargetKind = (typeof TARGETS)[number];

/** What --db accepts; supabase is PostgreSQL, chdb forces the embedded engine. */
export const DB_CHOICES = ['clickhouse', 'chdb', 'supabase', 'postgres'] as const;
export type DbChoice = (typeof DB_CHOICES)[number];

export const ENCODINGS = ['auto', 'utf-8', 'windows-1252', 'latin-1'] as const;
export type EncodingChoice = (typeof ENCODINGS)[number];

/** Where process computes (--engine, DATA_ENGINE): locally in DuckDB, or inside the ClickHouse target. */
export const ENGINES = ['duckdb', 'clickhouse'] as const;
export type Engine = (typeof ENGINES)[number];

export interface ClickHouseServer {
  url: string;
  username: string;
  password: string;
  database: string;
}

export type TargetConfig =
  | { kind: 'clickhouse'; mode: 'embedded'; dataPath: string }
  | { kind: 'clickhouse'; mode: 'server'; server: ClickHouseServer }
  | { kind: 'postgres'; url: string; source: string };

export type LlmConfig =
  | { provider: 'openai'; apiKey: string; model: string; baseURL?: string; concurrency: number; timeoutMs: number; maxRetries: number }
  | { provider: 'azure'; apiKey: string; endpoint: string; deployment: string; apiVersion: string; model: string; concurrency: number; timeoutMs: number; maxRetries: number };

export interface Config {
  home: string;
  /** null when no model is configured: predictions are rules-only. */
  llm: LlmConfig | null;
  /** serve: bearer keys (none: no auth) and requests per minute per key (0: no limit). */
  api: { keys: string[]; rateLimit: number };
  stagingPath: string;
  target: TargetConfig;
  batchSize: number;
  engine: Engine;
  /** Strings that must never be printed. */
  secrets: string[];
}

export interface ConfigFlags {
  db?: DbChoice;
  home?: string;
  batchSize?: number;
}

const envSchema = z.object({
  RIVERLINE_HOME: z.string().min(1).default('.riverline'),
  RIVERLINE_DB: z.enum(DB_CHOICES).optional(),
  RIVERLINE_BATCH_SIZE: z.coerce.number().int().positive().max(100_000_000).optional(),
  CLICKHOUSE_URL: z.string().url().optional(),
  CLICKHOUSE_HOST: z.string().min(1).optional(),
  CLICKHOUSE_PORT: z.coerce.number().int().positive().optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').optional(),
  CLICKHOUSE_SECURE: z.enum(['true', 'false', '1', '0']).optional(),
  SUPABASE_DB_URL: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  SUPABASE_URL: z.string().optional(),
  SUPABASE_KEY: z.string().optional(),
  DATA_ENGINE: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_MODEL: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  AZURE_OPENAI_API_KEY: z.string().optional(),
  AZURE_OPENAI_ENDPOINT: z.string().url().optional(),
  AZURE_OPENAI_DEPLOYMENT_NAME: z.string().min(1).optional(),
  AZURE_OPENAI_API_VERSION: z.string().min(1).optional(),
  RIVERLINE_LLM_CONCURRENCY: z.coerce.number().int().positive().max(64).optional(),
  RIVERLINE_LLM_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  RIVERLINE_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).optional(),
  RIVERLINE_API_KEYS: z.string().optional(),
  RIVERLINE_RATE_LIMIT: z.coerce.number().int().min(0).optional(),
});

/**
 * Rows per load batch. On the 2.8M-row file, 250,000 loads as fast as 500,000 into either store and holds less at once:
 * embedded ClickHouse ingest peaks at 2.1 to 2.3 GB against 2.5 to 2.6 GB (measured with chDB on huge pages).
 */
export const DEFAULT_BATCH_SIZE = 250_000;

/** Reads .env from the working directory into process.env (without overriding what is set). */
export function loadDotenvFile(cwd = process.cwd()): void {
  loadDotenv({ path: path.join(cwd, '.env'), quiet: true });
}

function blankToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) out[key] = value === '' ? undefined : value;
  return out;
}

function engineFrom(dataEngine: string | undefined): Config['engine'] {
  const value = (dataEngine ?? 'duckdb').toLowerCase();
  // The seed's pandas engine maps to DuckDB; its Spark engine to ClickHouse.
  if (value === 'duckdb' || value === 'pandas') return 'duckdb';
  if (value === 'clickhouse' || value === 'spark') return 'clickhouse';
  throw new UserError('config_invalid', `DATA_ENGINE must be duckdb (or pandas) or clickhouse (or spark), not "${dataEngine}".`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigFlags = {}): Config {
  const parsed = envSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new UserError('config_invalid', `The environment has invalid settings: ${problems}.`, {
      actions: ['Fix the variables named above in your shell or .env (see .env.example).'],
    });
  }
  const e = parsed.data;
  const home = path.resolve(flags.home ?? e.RIVERLINE_HOME);
  assertWritableHome(home);
  const choice: DbChoice = flags.db ?? e.RIVERLINE_DB ?? 'clickhouse';
  // A password equal to its user name is printed as the user anyway; hiding it everywhere would hide the user name.
  const clickhousePassword = e.CLICKHOUSE_PASSWORD === (e.CLICKHOUSE_USER ?? 'default') ? undefined : e.CLICKHOUSE_PASSWORD;
  const secrets = [clickhousePassword, e.SUPABASE_KEY, e.OPENAI_API_KEY, e.AZURE_OPENAI_API_KEY, ...(e.RIVERLINE_API_KEYS ?? '').split(',')]
    .map((secret) => secret?.trim())
    .filter((secret): secret is string => Boolean(secret));

  let target: TargetConfig;
  if (choice === 'postgres' || choice === 'supabase') {
    const url = e.SUPABASE_DB_URL ?? e.DATABASE_URL;
    if (!url) {
      const restHint = e.SUPABASE_URL ? ' SUPABASE_URL/SUPABASE_KEY is the REST API, which cannot bulk-load;' : '';
      throw new UserError(
        'database_not_configured',
        `--db ${choice} needs a PostgreSQL connection string:${restHint} set SUPABASE_DB_URL or DATABASE_URL (for example postgres://user:password@host:5432/postgres).`,
        { actions: ['In Supabase: Project Settings > Database > Connection string (URI).'] },
      );
    }
    const { user, password } = safeCredentials(url);
    if (password && password !== user) secrets.push(password);
    target = { kind: 'postgres', url, source: e.SUPABASE_DB_URL ? 'SUPABASE_DB_URL' : 'DATABASE_URL' };
  } else {
    const serverUrl = e.CLICKHOUSE_URL ?? (e.CLICKHOUSE_HOST ? hostToUrl(e) : undefined);
    if (choice === 'clickhouse' && serverUrl) {
      target = {
        kind: 'clickhouse',
        mode: 'server',
        server: {
          url: serverUrl,
          username: e.CLICKHOUSE_USER ?? 'default',
          password: e.CLICKHOUSE_PASSWORD ?? '',
          database: e.CLICKHOUSE_DATABASE ?? 'default',
        },
      };
    } else {
      target = { kind: 'clickhouse', mode: 'embedded', dataPath: path.join(home, 'clickhouse') };
    }
  }

  const config: Config = {
    home,
    llm: llmFrom(e),
    api: { keys: (e.RIVERLINE_API_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean), rateLimit: e.RIVERLINE_RATE_LIMIT ?? 6000 },
    stagingPath: path.join(home, 'staging.duckdb'),
    target,
    batchSize: flags.batchSize ?? e.RIVERLINE_BATCH_SIZE ?? DEFAULT_BATCH_SIZE,
    engine: engineFrom(e.DATA_ENGINE),
    secrets,
  };
  Object.defineProperty(config, inspect.custom, { value: () => describeConfig(config), enumerable: false });
  Object.defineProperty(config, 'toString', { value: () => describeConfig(config), enumerable: false });
  return config;
}

function llmFrom(e: z.infer<typeof envSchema>): LlmConfig | null {
  const common = { concurrency: e.RIVERLINE_LLM_CONCURRENCY ?? 8, timeoutMs: e.RIVERLINE_LLM_TIMEOUT_MS ?? 30_000, maxRetries: e.RIVERLINE_LLM_MAX_RETRIES ?? 3 };
  if (e.AZURE_OPENAI_API_KEY && e.AZURE_OPENAI_ENDPOINT && e.AZURE_OPENAI_DEPLOYMENT_NAME) {
    return {
      provider: 'azure',
      apiKey: e.AZURE_OPENAI_API_KEY,
      endpoint: e.AZURE_OPENAI_ENDPOINT,
      deployment: e.AZURE_OPENAI_DEPLOYMENT_NAME,
      apiVersion: e.AZURE_OPENAI_API_VERSION ?? '2024-10-21',
      model: e.AZURE_OPENAI_DEPLOYMENT_NAME,
      ...common,
    };
  }
  // A local OpenAI-compatible server may need no key at all.
  if (e.OPENAI_API_KEY || e.OPENAI_BASE_URL) {
    return { provider: 'openai', apiKey: e.OPENAI_API_KEY ?? 'not-needed', model: e.OPENAI_MODEL ?? 'gpt-4o-mini', baseURL: e.OPENAI_BASE_URL, ...common };
  }
  return null;
}

function hostToUrl(e: { CLICKHOUSE_HOST?: string; CLICKHOUSE_PORT?: number; CLICKHOUSE_SECURE?: string }): string {
  const host = e.CLICKHOUSE_HOST ?? 'localhost';
  if (/^https?:\/\//.test(host)) return host;
  const secure = e.CLICKHOUSE_SECURE === 'true' || e.CLICKHOUSE_SECURE === '1';
  return `${secure ? 'https' : 'http'}://${host}:${e.CLICKHOUSE_PORT ?? (secure ? 8443 : 8123)}`;
}

function safeCredentials(url: string): { user?: string; password?: string } {
  try {
    const parsed = new URL(url);
    return { user: decodeURIComponent(parsed.username) || undefined, password: decodeURIComponent(parsed.password) || undefined };
  } catch {
    return {};
  }
}

/**
 * Fails early, in one sentence, when the home folder cannot be written: the nearest folder of its path that
 * exists must be a folder this user can write (the rest is created on first use). Creates nothing itself.
 */
export function assertWritableHome(home: string): void {
  const refuse = (reason: string): never => {
    throw new UserError('home_not_writable', `The home folder ${home} cannot be written (${reason}): set RIVERLINE_HOME or --home to a folder you can write to.`, {
      data: { home },
    });
  };
  let probe = home;
  for (;;) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(probe);
      // Not there yet (or a file stands in the path, found one level up): look at the parent.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== probe) {
        probe = parent;
        continue;
      }
      return refuse(`${probe}: ${code ?? 'cannot be read'}`);
    }
    if (!stat.isDirectory()) return refuse(`${probe} is a file, not a folder`);
    try {
      fs.accessSync(probe, fs.constants.W_OK | fs.constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return refuse(code === 'EROFS' ? `${probe} is on a read-only file system` : `${probe} is not writable for this user`);
    }
    return;
  }
}

/** A one-line description of where data goes, safe to print. */
export function describeTarget(target: TargetConfig): string {
  if (target.kind === 'postgres') return `PostgreSQL ${redactUrl(target.url)}`;
  if (target.mode === 'embedded') return `embedded ClickHouse at ${target.dataPath}`;
  return `ClickHouse server ${redactUrl(target.server.url)} (database ${target.server.database})`;
}

export function describeConfig(config: Config): string {
  const llm = config.llm ? `${config.llm.provider}:${config.llm.model}` : 'off';
  return `Config(home=${config.home}, target=${describeTarget(config.target)}, batchSize=${config.batchSize}, engine=${config.engine}, llm=${llm})`;
}
