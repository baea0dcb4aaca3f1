// The chat log format shared by batch predict (SQL) and serve: one line per message, oldest first.
import type { ChatLine } from './rows.js';

export function formatChatLog(lines: readonly ChatLine[]): string {
  return lines.map((line) => `${line.inbound ? 'Customer' : `Agent (${line.author})`}: ${line.text.replace(/\n/g, ' ')}`).join('\n');
}
