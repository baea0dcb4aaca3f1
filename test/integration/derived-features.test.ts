// The derived decision features have one definition (src/decisions/derived.ts), written from it as DuckDB SQL (batch
// predict, the backtest) and as TypeScript (serve). These tests run both on the same inputs, NULLs included.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORED_SIGNALS_SQL, derivedFeaturesSql, deriveFeatures, storedConversationFeatures } from '../../src/decisions/derived.js';
import { openStaging, type Staging } from '../../src/staging/duckdb.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-derived-'));
let staging: Staging;

beforeAll(async () => {
  staging = await openStaging(':memory:');
});
afterAll(() => {
  staging.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Loads rows into a DuckDB table through a JSON file, with the given column types. */
async function table(name: string, rows: Array<Record<string, unknown>>, columns: Record<string, string>): Promise<void> {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
  const types = Object.entries(columns)
    .map(([column, type]) => `${column}: '${type}'`)
    .join(', ');
  await staging.run(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM read_json($file, format = 'newline_delimited', columns = {${types}})`, { file });
}

describe('the derived decision features', () => {
  it('are the same in SQL and in TypeScript for every combination of inputs, NULLs included', async () => {
    const flags = [true, false, null];
    const trends = [-1, -0.5, -0.49, 0, 0.8, null];
    const rows = flags.flatMap((urgent) => flags.flatMap((escalating) => flags.flatMap((moved_to_dm) => trends.map((sentiment_trend) => ({ urgent, escalating, moved_to_dm, sentiment_trend })))));
    await table('inputs', rows.map((row, id) => ({ id, ...row })), { id: 'INTEGER', urgent: 'BOOLEAN', escalating: 'BOOLEAN', moved_to_dm: 'BOOLEAN', sentiment_trend: 'DOUBLE' });
    const fromSql = await staging.rows<Record<string, unknown>>(`SELECT ${derivedFeaturesSql()} FROM inputs ORDER BY id`);
    expect(fromSql).toEqual(rows.map((row) => deriveFeatures(row)));
    // Never NULL, so a rule testing `= false` or `!=` sees the same value in both.
    expect(fromSql.every((row) => Object.values(row).every((value) => typeof value === 'boolean'))).toBe(true);
    expect(deriveFeatures({ escalating: false, sentiment_trend: -0.5 }).is_escalating).toBe(true);
  });

  it('read a stored conversation the same way in SQL and in TypeScript (lists as text, or parsed as node-postgres gives them)', async () => {
    const lists = ['[]', '["asap"]', '["twitter_dm"]', '["email","twitter_dm"]', null];
    const rows = lists.flatMap((terms) => lists.map((moved) => ({ urgency_terms: terms, escalation_terms: moved, customer_moved_to: moved, sentiment_trend: terms === null ? null : -0.2 })));
    await table('stored', rows.map((row, id) => ({ id, ...row })), { id: 'INTEGER', urgency_terms: 'VARCHAR', escalation_terms: 'VARCHAR', customer_moved_to: 'VARCHAR', sentiment_trend: 'DOUBLE' });
    const fromSql = await staging.rows<Record<string, unknown>>(`SELECT ${derivedFeaturesSql(STORED_SIGNALS_SQL)} FROM stored ORDER BY id`);
    expect(fromSql).toEqual(rows.map((row) => storedConversationFeatures(row)));
    const parsed = (text: string | null) => (text === null ? null : (JSON.parse(text) as string[]));
    expect(rows.map((row) => storedConversationFeatures({ ...row, urgency_terms: parsed(row.urgency_terms), escalation_terms: parsed(row.escalation_terms), customer_moved_to: parsed(row.customer_moved_to) }))).toEqual(fromSql);
    expect(storedConversationFeatures({ urgency_terms: '["asap"]', escalation_terms: '[]', customer_moved_to: '["twitter_dm"]', sentiment_trend: '-0.7' })).toEqual({
      is_urgent: true,
      is_escalating: true,
      customer_moved_to_dm: true,
    });
  });
});
