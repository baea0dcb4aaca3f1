// What every target stores for an interaction and for a rejected row: the column lists staging writes and stores load.

/** The interaction columns every target stores, in this order. */
export const INTERACTION_COLUMNS = [
  'interaction_id',
  'external_id',
  'platform_type',
  'participant_external_id',
  'content_text',
  'raw_text',
  'interaction_timestamp',
  'parent_external_id',
  'inbound',
  'interaction_type',
  'content_metadata',
  'platform_metadata',
  'run_id',
] as const;

export const REJECT_COLUMNS = ['run_id', 'source_file', 'record_number', 'line_number', 'reason', 'detail', 'raw'] as const;

/** One batch file of valid interactions, written by staging in the store's batch format and loaded by the store. */
export interface BatchFile {
  index: number;
  path: string;
  rows: number;
}
