// --as-of: the moment "now" stands for on historical data (never the wall clock).
import { UserError } from '../errors.js';

export function parseAsOf(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UserError('bad_flag', `--as-of must be an ISO date or timestamp such as 2017-11-30T12:00:00Z, not "${text}".`);
  return date;
}
