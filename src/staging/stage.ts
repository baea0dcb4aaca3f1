// The staging stage: CSV -> DuckDB (read, quality checks) -> one normalized batch file at a time for the target.
// Batches are written on demand so the target can load batch k while DuckDB writes batch k+1.
import fs from 'node:fs';
import path from 'node:path';
import type { Staging } from './duckdb.js';
import type { SourceFile } from './source-file.js';
import * as sql from './sql.js';
import { emptyReasonCounts, type RejectReason } from '../quality/reasons.js';

export interface BatchFile {
  index: number;
  path: string;
  rows: number;
}

export interface StagedFile {
  rowsRead: number;
  rowsValid: number;
  rowsRejected: number;
  rejectedByReason: Record<RejectReason, number>;
  batchCount: number;
  /** Newest timestamp among valid rows, or null when none. */
  newestTimestamp: Date | null;
  /** The run's rejected rows as one file in the batch format, or null when there are none. */
  rejectsFile: string | null;
  /** Normalizes and writes batch `index` (0-based); call in order, one at a time. */
  writeBatch(index: number): Promise<BatchFile>;
}

export interface StageOptions {
  runId: string;
  platform: string;
  batchSize: number;
  format: sql.BatchFormat;
  /** Where batch files go; the caller owns and clears it. */
  batchDir: string;
  /** Called as each step starts, with the rows it works on when known. */
  onStep?: (step: 'read' | 'quality', rows?: number) => void;
}

export async function stageFile(staging: Staging, source: SourceFile, options: StageOptions): Promise<StagedFile> {
  const step = options.onStep ?? (() => {});
  step('read');
  await staging.run(sql.createRawRows(source), { path: source.path });
  const [{ n: parsedRows }] = await staging.rows<{ n: number }>(sql.COUNT_RAW_ROWS);

  step('quality', parsedRows);
  await staging.run(sql.CREATE_ROW_CHECKS);
  await staging.run(sql.CREATE_STAGED_REJECTS, { run_id: options.runId, source_file: source.path });
  await staging.run(sql.CREATE_REJECTED_RECORDS);
  const rejectedByReason = emptyReasonCounts();
  for (const row of await staging.rows<{ reason: RejectReason; n: number }>(sql.COUNT_REJECTS_BY_REASON)) {
    rejectedByReason[row.reason] = row.n;
  }
  const rowsRejected = Object.values(rejectedByReason).reduce((a, b) => a + b, 0);
  const [{ newest }] = await staging.rows<{ newest: string | null }>(sql.NEWEST_VALID_TIMESTAMP);

  fs.mkdirSync(options.batchDir, { recursive: true });
  let rejectsFile: string | null = null;
  if (rowsRejected > 0) {
    rejectsFile = path.join(options.batchDir, `rejects.${options.format}`);
    await staging.run(sql.exportRejects(options.format), { file: rejectsFile });
  }

  const exportSql = sql.exportBatch(options.format);
  return {
    rowsRead: parsedRows + rejectedByReason.malformed_row,
    rowsValid: parsedRows - (rowsRejected - rejectedByReason.malformed_row),
    rowsRejected,
    rejectedByReason,
    batchCount: Math.ceil(parsedRows / options.batchSize),
    newestTimestamp: newest ? new Date(newest.replace(' ', 'T').replace(/\+00$/, 'Z')) : null,
    rejectsFile,
    async writeBatch(index) {
      const file = path.join(options.batchDir, `batch_${String(index).padStart(5, '0')}.${options.format}`);
      const first = BigInt(index) * BigInt(options.batchSize);
      const reader = await staging.connection.runAndReadAll(exportSql, {
        platform: options.platform,
        run_id: options.runId,
        first,
        last: first + BigInt(options.batchSize) - 1n,
        file,
      });
      const rows = Number(reader.getRows()[0]?.[0] ?? 0);
      return { index, path: file, rows };
    },
  };
}

/** Points the staging views at the batch files of the last run, for explore and process. */
export async function publishStagedView(staging: Staging, batchDir: string, format: sql.BatchFormat): Promise<void> {
  await staging.run(sql.createStagedView(format, path.join(batchDir, `batch_*.${format}`)));
}
