// The closed set of reasons a row is quarantined for, in the order they are checked.

export const REJECT_REASONS = [
  'malformed_row',
  'missing_id',
  'missing_author',
  'unparseable_timestamp',
  'invalid_inbound',
  'empty_text',
  'duplicate_id',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const REASON_TEXT: Record<RejectReason, string> = {
  malformed_row: 'the CSV line could not be parsed (wrong column count or broken quoting)',
  missing_id: 'tweet_id is empty',
  missing_author: 'author_id is empty',
  unparseable_timestamp: 'created_at is not a timestamp, or lies outside the plausible window',
  invalid_inbound: 'inbound is not true/false',
  empty_text: 'text is empty',
  duplicate_id: 'tweet_id appears earlier in the same file',
};

export function emptyReasonCounts(): Record<RejectReason, number> {
  return Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>;
}
