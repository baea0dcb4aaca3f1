// TEST_MODE selects the suites: unit (pure functions), integration (real DuckDB, chDB, PostgreSQL, HTTP), or all.
import { defineConfig } from 'vitest/config';

const MODES = ['unit', 'integration', 'all'] as const;
const mode = process.env.TEST_MODE ?? 'all';
if (!(MODES as readonly string[]).includes(mode)) {
  throw new Error(`TEST_MODE must be one of ${MODES.join(', ')}, not "${mode}".`);
}
const include = mode === 'unit' ? ['test/unit/**/*.test.{ts,tsx}'] : mode === 'integration' ? ['test/integration/**/*.test.ts'] : ['test/**/*.test.{ts,tsx}'];
// The ClickHouse server suite needs a server; the embedded engine covers the same adapter code otherwise.
const exclude = process.env.CLICKHOUSE_URL ? [] : ['test/integration/clickhouse-server.test.ts'];

export default defineConfig({
  test: {
    include,
    exclude: ['node_modules/**', 'dist/**', ...exclude],
    // chDB binds one data directory per process: every test file gets its own process.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: mode === 'unit' ? [] : ['test/helpers/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
