// When to send, relative to the as-of time (never the wall clock): urgent within 15 minutes, soon within the hour,
// or at the customer's next peak active hour; anything but urgent waits out the quiet hours (UTC).
import type { Timing } from './rules.schema.js';

export interface SendTimeInput {
  asOf: Date;
  timing: Timing;
  /** The customer's busiest hours of day (UTC), busiest first; may be empty. */
  peakHours: number[];
  quietHours: { start: number; end: number };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function inQuietHours(hour: number, quiet: { start: number; end: number }): boolean {
  if (quiet.start === quiet.end) return false;
  return quiet.start < quiet.end ? hour >= quiet.start && hour < quiet.end : hour >= quiet.start || hour < quiet.end;
}

/** The first moment at or after `from` that is outside the quiet hours. */
function afterQuiet(from: Date, quiet: { start: number; end: number }): Date {
  if (!inQuietHours(from.getUTCHours(), quiet)) return from;
  const next = new Date(from);
  next.setUTCMinutes(0, 0, 0);
  while (inQuietHours(next.getUTCHours(), quiet)) next.setTime(next.getTime() + HOUR);
  return next;
}

export function computeSendTime(input: SendTimeInput): Date | null {
  const { asOf, timing, quietHours } = input;
  if (timing === 'none') return null;
  if (timing === 'urgent') return new Date(asOf.getTime() + 15 * MINUTE);
  const earliest = new Date(asOf.getTime() + (timing === 'soon' ? HOUR : 15 * MINUTE));
  if (timing === 'soon') return afterQuiet(earliest, quietHours);
  const hours = input.peakHours.filter((hour) => !inQuietHours(hour, quietHours));
  if (hours.length === 0) return afterQuiet(earliest, quietHours);
  // The next start of a peak hour, trying the busiest first, within the coming day.
  const candidates = hours.map((hour) => {
    const at = new Date(earliest);
    at.setUTCHours(hour, 0, 0, 0);
    if (at < earliest) at.setTime(at.getTime() + 24 * HOUR);
    return at;
  });
  return candidates.reduce((best, at) => (at < best ? at : best));
}
