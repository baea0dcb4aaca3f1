// Human-readable summary of an ingest run, in 80 columns: the file relative to the current folder, the run's short id
// (--json has the whole one).
import { REASON_TEXT, type RejectReason } from '../quality/reasons.js';
import { formatRows } from '../progress/plain.js';
import { shortId, shownPath, withShownPaths, wrapLine } from '../progress/summary-text.js';
import type { IngestResult } from './ingest.js';

export function formatIngestSummary(result: IngestResult): string {
  const lines = [
    `Ingested ${shownPath(result.source_file)} in ${result.seconds.toFixed(1)}s.`,
    `  run:                  ${shortId(result.run_id)}`,
    `  into:                 ${withShownPaths(result.target_description)}`,
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
  if (result.rows_rejected > 0) lines.push(`  Rejected rows are in rejected_interactions (run_id ${shortId(result.run_id)}…): see explore.`);
  if (result.rows_loaded === 0 && result.rows_already_present > 0) lines.push('  Nothing new: every valid row was already loaded.');
  return lines.map((line) => wrapLine(line, { hang: line.startsWith('    ') ? 33 : 2 })).join('\n');
}
