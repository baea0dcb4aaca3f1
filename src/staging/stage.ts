// The staging stage: CSV -> DuckDB (read, normalize, quality) -> batch files the target loads.
import fs from 'node:fs';
import path from 'node:path';
import type { Staging } from './duckdb.js';
import type { SourceFile } from './source-file.js';
import * as sql from './sql.js';
import { emptyReasonCounts, type RejectReason } from '../quality/reasons.js';

/** One batch of valid rows: DuckDB may write it as several files in one folder. */
export interface BatchFile {
  index: number;
  folder: string;
  files: string[];
}

export interface StageResult {
  rowsRead: number;
  rowsValid: number;
  rejectedByReason: Record<RejectReason, number>;
  rowsRejected: number;
  minTimestamp: string | null;
  maxTimestamp: string | null;
  batches: BatchFile[];
  rejectsFile: string | null;
}

export interface StageOptions {
  runId: string;
  platform: string;
  batchSize: number;
  format: sql.BatchFormat;
  /** A folder of this run's own, removed by the caller when the run ends. */
  workDir: string;
  /** Called as each step starts, with the rows it works on when known. */
  onStep?: (step: 'read' | 'normalize' | 'quality' | 'export', rows?: number) => void;
}

export async function stageFile(staging: Staging, source: SourceFile, options: StageOptions): Promise<StageResult> {
  const step = options.onStep ?? (() => {});
  step('read');
  await staging.run(sql.createRawRows(source), { path: source.path });
  const [{ n: parsedRows }] = await staging.rows<{ n: number }>(sql.COUNT_RAW_ROWS);

  step('normalize', parsedRows);
  await staging.run(sql.CREATE_STAGED_INTERACTIONS, { platform: options.platform });

  step('quality', parsedRows);
  await staging.run(sql.CREATE_STAGED_REJECTS, { run_id: options.runId, source_file: source.path });
  const rejectedByReason = emptyReasonCounts();
  for (const row of await staging.rows<{ reason: RejectReason; n: number }>(sql.COUNT_REJECTS_BY_REASON)) {
    rejectedByReason[row.reason] = row.n;
  }
  const rowsRejected = Object.values(rejectedByReason).reduce((a, b) => a + b, 0);
  const [valid] = await staging.rows<{ n: number; max_ts: string | null; min_ts: string | null }>(sql.SUMMARIZE_VALID);

  step('export', valid.n);
  const batchDir = path.join(options.workDir, 'batches');
  fs.mkdirSync(options.workDir, { recursive: true });
  await staging.run(sql.exportBatches(options.format), { run_id: options.runId, batch_size: BigInt(options.batchSize), dir: batchDir });
  let rejectsFile: string | null = null;
  if (rowsRejected > 0) {
    rejectsFile = path.join(options.workDir, `rejects.${options.format}`);
    await staging.run(sql.exportRejects(options.format), { file: rejectsFile });
  }

  return {
    rowsRead: parsedRows + rejectedByReason.malformed_row,
    rowsValid: valid.n,
    rejectedByReason,
    rowsRejected,
    minTimestamp: valid.min_ts,
    maxTimestamp: valid.max_ts,
    batches: listBatches(batchDir),
    rejectsFile,
  };
}

function listBatches(dir: string): BatchFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => /^batch_no=(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => {
      const folder = path.join(dir, match[0]);
      const files = fs.readdirSync(folder).filter((name) => name.startsWith('data_')).sort().map((name) => path.join(folder, name));
      return { index: Number(match[1]), folder, files };
    })
    .filter((batch) => batch.files.length > 0)
    .sort((a, b) => a.index - b.index);
}
