// Turns what Ink's useInput hands over into key presses, one per key. Ink passes a burst (a held key, a paste)
// as one string with its control codes in it; review must see each Backspace, Enter and Ctrl key on its own, and
// a printable run as text to insert.
import type { KeyPress } from './review-state.js';

/** Ink's key flags, as far as review uses them: a key press without its text. */
export type InkKey = Omit<KeyPress, 'input'>;

// An escape sequence (CSI or SS3) inside a burst, a whole Backspace, Enter or other control code, or a run of text.
const TOKEN = /\u001b\[[0-?]*[ -/]*[@-~]|\u001bO.|\u001b.?|[\u0000-\u001f\u007f]|[^\u0000-\u001f\u007f\u001b]+/gsu;

const SEQUENCES: Record<string, KeyPress> = {
  '\u001b[A': { input: '', upArrow: true },
  '\u001b[B': { input: '', downArrow: true },
  '\u001b[C': { input: '', rightArrow: true },
  '\u001b[D': { input: '', leftArrow: true },
  '\u001bOA': { input: '', upArrow: true },
  '\u001bOB': { input: '', downArrow: true },
  '\u001bOC': { input: '', rightArrow: true },
  '\u001bOD': { input: '', leftArrow: true },
  '\u001b[5~': { input: '', pageUp: true },
  '\u001b[6~': { input: '', pageDown: true },
  '\u001b[3~': { input: '', delete: true },
};

/** One token of a burst as a key press; undefined for a sequence review has no use for. */
function tokenKey(token: string, last: boolean): KeyPress | undefined {
  if (token in SEQUENCES) return SEQUENCES[token];
  if (token === '\u001b') return { input: '', escape: true };
  if (token.startsWith('\u001b')) return token.length === 2 && token[1] >= ' ' ? { input: token[1], meta: true } : undefined;
  if (token === '\u007f' || token === '\b') return { input: '', backspace: true };
  // Enter at the end of a burst is a key (typed fast); inside one it is a line break of pasted text.
  if (token === '\r' || token === '\n') return last ? { input: '', return: true } : { input: '\n' };
  if (token === '\t') return { input: '', tab: true };
  const code = token.charCodeAt(0);
  if (token.length === 1 && code < 0x20) return { input: String.fromCharCode(code + 0x60), ctrl: true };
  return { input: token };
}

/** Splits a burst of raw input into key presses. */
export function splitKeys(data: string): KeyPress[] {
  const tokens = data.match(TOKEN) ?? [];
  return tokens.flatMap((token, i) => tokenKey(token, i === tokens.length - 1) ?? []);
}

/** The key presses of one useInput call: Ink's own reading for a single key, split by hand for a burst. */
export function keysFromInk(input: string, key: InkKey): KeyPress[] {
  if (input.length > 1 && !key.ctrl && !key.meta) return splitKeys(input);
  // Ink reads a lone DEL as Delete; on a terminal it is the Backspace key.
  if (key.delete && input === '') return [{ ...key, input, delete: false, backspace: true }];
  return [{ ...key, input }];
}
