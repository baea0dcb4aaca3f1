// The chat log format shared by batch predict (SQL) and serve: one line per message, oldest first.

export function formatChatLog(lines: Array<{ inbound: unknown; author: unknown; text: unknown }>): string {
  return lines
    .map((line) => `${line.inbound === true || line.inbound === 1 || line.inbound === 'true' ? 'Customer' : `Agent (${String(line.author)})`}: ${String(line.text).replace(/\n/g, ' ')}`)
    .join('\n');
}
