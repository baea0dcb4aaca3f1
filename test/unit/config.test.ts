import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeTarget, loadConfig } from '../../src/config/index.js';
import { UserError } from '../../src/errors.js';

describe('loadConfig', () => {
  it('defaults to embedded ClickHouse under ./.riverline', () => {
    const config = loadConfig({});
    expect(config.target).toMatchObject({ kind: 'clickhouse', mode: 'embedded' });
    expect(config.home.endsWith('.riverline')).toBe(true);
    expect(config.stagingPath.endsWith('.riverline/staging.duckdb')).toBe(true);
    expect(config.batchSize).toBe(250_000);
  });

  it("builds a server URL from the seed's CLICKHOUSE_HOST/PORT/USER/PASSWORD", () => {
    const config = loadConfig({ CLICKHOUSE_HOST: 'ch.internal', CLICKHOUSE_PORT: '8124', CLICKHOUSE_USER: 'rl', CLICKHOUSE_PASSWORD: 's3cret' });
    expect(config.target).toEqual({ kind: 'clickhouse', mode: 'server', server: { url: 'http://ch.internal:8124', username: 'rl', password: 's3cret', database: 'default' } });
    expect(config.secrets).toContain('s3cret');
  });

  it('uses the embedded engine for --db chdb even when a server is configured', () => {
    expect(loadConfig({ CLICKHOUSE_URL: 'http://localhost:8123' }, { db: 'chdb' }).target).toMatchObject({ mode: 'embedded' });
  });

  it('reads PostgreSQL from SUPABASE_DB_URL before DATABASE_URL', () => {
    const config = loadConfig({ SUPABASE_DB_URL: 'postgres://a:pw1@h/db', DATABASE_URL: 'postgres://b@h/other' }, { db: 'supabase' });
    expect(config.target).toEqual({ kind: 'postgres', url: 'postgres://a:pw1@h/db', source: 'SUPABASE_DB_URL' });
    expect(config.secrets).toContain('pw1');
  });

  it('explains that the SUPABASE_URL/KEY REST pair cannot bulk-load', () => {
    const error = (() => {
      try {
        loadConfig({ SUPABASE_URL: 'https://x.supabase.co', SUPABASE_KEY: 'k' }, { db: 'supabase' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('database_not_configured');
    expect((error as UserError).message).toMatch(/REST API.*SUPABASE_DB_URL or DATABASE_URL/);
  });

  it('maps the seed DATA_ENGINE values and rejects unknown ones', () => {
    expect(loadConfig({ DATA_ENGINE: 'pandas' }).engine).toBe('duckdb');
    expect(loadConfig({ DATA_ENGINE: 'spark' }).engine).toBe('clickhouse');
    expect(() => loadConfig({ DATA_ENGINE: 'excel' })).toThrow(/DATA_ENGINE/);
  });

  it('names every invalid variable in one error', () => {
    const load = () => loadConfig({ CLICKHOUSE_PORT: 'abc', RIVERLINE_BATCH_SIZE: '-3' });
    expect(load).toThrow(/CLICKHOUSE_PORT/);
    expect(load).toThrow(/RIVERLINE_BATCH_SIZE/);
  });

  it('lets flags override the environment', () => {
    const config = loadConfig({ RIVERLINE_BATCH_SIZE: '1000', RIVERLINE_HOME: '/tmp/a' }, { batchSize: 10, home: '/tmp/b' });
    expect(config.batchSize).toBe(10);
    expect(config.home).toBe('/tmp/b');
  });

  it('never shows passwords when printed', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:hunter2@db:5432/x' }, { db: 'postgres' });
    expect(inspect(config)).not.toContain('hunter2');
    expect(String(config)).not.toContain('hunter2');
    expect(describeTarget(config.target)).toBe('PostgreSQL postgres://u:***@db:5432/x');
  });
});
