// One timestamp format in every file Riverline writes: ISO 8601 UTC with milliseconds ("2017-11-01T21:00:00.000Z").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { readCsv, writeCsv } from '../../src/files/csv.js';
import { exportApproved, openReview } from '../../src/tui/review-session.js';
import { ROOT, runCli } from '../helpers/cli.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riverline-iso-'));
const home = path.join(dir, 'home');
const predictions = path.join(dir, 'p.csv');
const config = loadConfig({}, { home, db: 'chdb' });
beforeAll(async () => {
  const result = await runCli(['run', path.join(ROOT, 'examples', 'twcs_sample.csv'), '--home', home, '--out', predictions, '--llm', 'off']);
  expect(result.code, result.stderr).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('timestamps in files', () => {
  it("predict's CSV writes send_time and as_of as ISO 8601 UTC", async () => {
    const rows = await readCsv(predictions);
    const sent = rows.filter((row) => row.send_time !== null);
    expect(sent.length).toBeGreaterThan(0);
    for (const row of sent) expect(row.send_time).toMatch(ISO);
    for (const row of rows) expect(row.as_of).toMatch(ISO);
  });

  it('the review export writes ISO 8601 UTC, even for a send time kept as engine text', async () => {
    const session = await openReview(config, { reviewer: 'lead' });
    const [a, b] = session.items.filter((item) => item.channel !== 'no_action');
    await session.save({ ...a, decision: 'approved', reason: '' });
    // The shape the report came with: ClickHouse's text for a UTC time.
    await session.save({ ...b, decision: 'edited', message: 'Edited by hand', send_time: '2017-11-01 21:00:00.000', reason: '' });
    await session.close();
    const out = path.join(dir, 'approved.csv');
    expect(await exportApproved(config, out)).toEqual({ exported: 2, incomplete: 0 });
    const rows = await readCsv(out);
    expect(rows.map((row) => row.send_time).sort()).toEqual([a.send_time, '2017-11-01T21:00:00.000Z'].sort());
    for (const row of rows) expect(row.send_time).toMatch(ISO);
  });

  it('review --file reads engine text in a predictions file and exports ISO 8601 UTC', async () => {
    const rows = await readCsv(predictions);
    const columns = Object.keys(rows[0]);
    // The same predictions with their times written the way DuckDB and ClickHouse print them.
    const engineText = (value: string | null) => (value ? value.replace('T', ' ').replace('Z', '+00') : value);
    const file = path.join(dir, 'engine-text.csv');
    await writeCsv(file, columns, rows.map((row) => columns.map((column) => (column === 'send_time' || column === 'as_of' ? engineText(row[column]) : row[column]))));
    const session = await openReview(config, { file, reviewer: 'lead' });
    for (const item of session.items) {
      if (item.send_time) expect(item.send_time).toMatch(ISO);
      expect(item.as_of).toMatch(ISO);
    }
    await session.close();
  });
});
