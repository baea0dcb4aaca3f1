// Makes text from data (CSV headers, tweets, driver messages, file names) safe to print on a terminal:
// control characters become visible placeholders, so no escape sequence from the data reaches the terminal.
// Printable text, emoji and other scripts pass unchanged; JSON output does not go through here.

// C0 controls except tab and line feed, DEL, and the C1 controls (0x80-0x9F; 0x9B is a one-byte CSI).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** One visible stand-in per control character: the Unicode control pictures (␛, ␍, ␀, ␡), and ⍰ for C1. */
function placeholder(character: string): string {
  const code = character.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return '\u2370';
}

/**
 * Returns text that prints as itself: every control character but tab and line feed is replaced by a visible
 * placeholder (an ESC sequence shows as "␛[31m" instead of turning the terminal red). With `singleLine`,
 * tab and line feed are replaced as well, for text that must stay on one line.
 */
export function forTerminal(text: string, options: { singleLine?: boolean } = {}): string {
  const pattern = options.singleLine ? /[\u0000-\u001f\u007f-\u009f]/g : CONTROL;
  return text.replace(pattern, placeholder);
}

/**
 * JSON text with DEL and the C1 controls written as \u escapes as well (JSON.stringify escapes only C0):
 * the same value for a JSON reader, and nothing a terminal could act on.
 */
export function jsonForTerminal(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
