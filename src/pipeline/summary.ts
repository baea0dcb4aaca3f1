// Human-readable summary of an ingest run.
import { REASON_TEXT, type RejectReason } from '../quality/reasons.js';
import { formatRows } from '../progress/plain.js';
import type { IngestResult } from './ingest.js';

export function formatIngestSummary(result: IngestResult): string {
  const lines = [
    `Ingested ${result.source_file} into ${result.target_description} in ${result.seconds.toFixed(1)}s (run ${result.run_id}).`,
    `  rows read:            ${formatRows(result.rows_read)}`,
    `  loaded (new):         ${formatRows(result.rows_loaded)}`,
    `  already present:      ${formatRows(result.rows_already_present)}`,
    `  rejected:             ${formatRows(result.rows_rejected)}`,
  ];
  for (const [reason, count] of Object.entries(result.rejected_by_reason)) {
    if (count > 0) lines.push(`    ${reason.padEnd(22)}${formatRows(count).padStart(8)}  (${REASON_TEXT[reason as RejectReason]})`);
  }
  if (result.reader === 'tolerant') lines.push(`  Read with the tolerant reader: ${result.reader_reasons.join('; ')}.`);
  if (result.windows_1252_records > 0) lines.push(`  ${formatRows(result.windows_1252_records)} records were not UTF-8 and were read as Windows-1252.`);
  if (result.nul_records_cleaned > 0) lines.push(`  ${formatRows(result.nul_records_cleaned)} records held NUL bytes, removed.`);
  if (result.rows_read === 0) lines.push('  The file holds a header and no rows: nothing to load.');
  if (result.rows_rejected > 0) lines.push(`  Rejected rows are in the rejected_interactions table (run_id ${result.run_id}).`);
  if (result.rows_loaded === 0 && result.rows_already_present > 0) lines.push('  Nothing new: every valid row was already loaded.');
  return lines.join('\n');
}
