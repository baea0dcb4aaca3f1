// How many terminal columns text takes, and text cut or wrapped to a width, for screens that must never be wider
// than the terminal. Counts by grapheme: East Asian wide and fullwidth characters and emoji take two columns,
// combining marks and joiners none. Text is expected to be free of control characters (see forTerminal).

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u200b-\u200f\ufe00-\ufe0f]+$/u;
// Emoji shown as pictures by default (🎉, 🤥), flags, and any pictograph asked to be one (U+FE0F); ✔ and ✎ stay text.
const EMOJI = /\p{Emoji_Presentation}|\p{Regional_Indicator}|\ufe0f/u;

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Columns one grapheme takes. */
function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  const code = grapheme.codePointAt(0) ?? 0;
  if (EMOJI.test(grapheme)) return 2;
  return isWide(code) ? 2 : 1;
}

const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (part) => part.segment);

/** Columns the text takes on one line. */
export function textWidth(text: string): number {
  let width = 0;
  for (const grapheme of graphemes(text)) width += graphemeWidth(grapheme);
  return width;
}

/** The text cut to at most `width` columns, ending in … when something was cut. */
export function truncateToWidth(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const grapheme of graphemes(text)) {
    const size = graphemeWidth(grapheme);
    if (used + size > width - 1) break;
    out += grapheme;
    used += size;
  }
  return `${out}…`;
}

/** The text cut to `width` columns and padded with spaces to exactly that width. */
export function fitToWidth(text: string, width: number): string {
  const cut = truncateToWidth(text, width);
  return cut + ' '.repeat(Math.max(0, width - textWidth(cut)));
}

/** The text wrapped at spaces to lines of at most `width` columns; a word longer than a line is broken. */
export function wrapToWidth(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let used = 0;
    const push = () => {
      lines.push(line.trimEnd());
      line = '';
      used = 0;
    };
    for (const word of paragraph.split(/(?<= )/)) {
      const size = textWidth(word);
      if (used + size - (word.endsWith(' ') ? 1 : 0) <= width) {
        line += word;
        used += size;
        continue;
      }
      if (used > 0) push();
      if (size - (word.endsWith(' ') ? 1 : 0) <= width) {
        line = word;
        used = size;
        continue;
      }
      for (const grapheme of graphemes(word)) {
        const cell = graphemeWidth(grapheme);
        if (used + cell > width && grapheme !== ' ') push();
        if (used + cell <= width) {
          line += grapheme;
          used += cell;
        }
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
