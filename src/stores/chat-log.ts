// serve's chat log: one line per message, oldest first. Batch predict has each store build the same text in its own SQL
// (OPEN_CONVERSATION_CHAT_LOGS in decisions/predict-input.*.sql.ts); test/integration/store-rows.test.ts holds them together.
import type { ChatLine } from './rows.js';

export function formatChatLog(lines: readonly ChatLine[]): string {
  return lines.map((line) => `${line.inbound ? 'Customer' : `Agent (${line.author})`}: ${line.text.replace(/\n/g, ' ')}`).join('\n');
}
