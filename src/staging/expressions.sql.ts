// Parsing expressions over the raw VARCHAR fields, shared by the quality checks and the export.

export const TWITTER_TIMESTAMP_FORMAT = '%a %b %d %H:%M:%S %z %Y';

/** Ids may arrive written as floats by pandas ("3.0") or padded; the regex runs only when needed. */
export const normalizeId = (expr: string) =>
  `CASE WHEN contains(${expr}, '.') OR contains(${expr}, ' ') THEN nullif(regexp_replace(trim(${expr}), '^(\\d+)\\.0+$', '\\1'), '') ELSE nullif(${expr}, '') END`;

export const PARSE_TIMESTAMP = `coalesce(try_strptime(created_at, '${TWITTER_TIMESTAMP_FORMAT}'), try_cast(trim(created_at) AS TIMESTAMPTZ))`;

/** The space separators (Unicode Zs) DuckDB's trim() strips: U+0020, U+00A0, U+1680, U+2000 to U+200A, U+202F, U+205F, U+3000. */
const SPACE_SEPARATORS = [0x20, 0xa0, 0x1680, ...Array.from({ length: 11 }, (_, i) => 0x2000 + i), 0x202f, 0x205f, 0x3000];

/**
 * trim(column), called only when the column's first code point (ord) or its last bytes (suffix) are a space separator:
 * trim() decodes every code point of every text, and most texts have nothing to trim. Equal to trim() on every
 * string (a test checks the edge cases: a separator after a prepended mark, a combining mark after a space, NULL).
 * Reads the column up to three times: pass a column, not an expression.
 */
export const trimSpaces = (column: string) =>
  `CASE WHEN ord(${column}) IN (${SPACE_SEPARATORS.join(', ')}) OR ${SPACE_SEPARATORS.map((cp) => `suffix(${column}, chr(${cp}))`).join(' OR ')}
    THEN trim(${column}) ELSE ${column} END`;

export const PARSE_INBOUND = `CASE
    WHEN lower(trim(inbound)) IN ('true', 't', '1', 'yes', 'y', '1.0') THEN true
    WHEN lower(trim(inbound)) IN ('false', 'f', '0', 'no', 'n', '0.0') THEN false
  END`;


/** One HTML entity (the named ones Twitter writes, or a numeric one), else a run of text without '&', else a lone '&'. */
const ENTITY_OR_TEXT = `&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});|[^&]+|&`;

/** The code point of a numeric entity token t (`&#39;`, `&#x1F600;`). */
const ENTITY_CODE = `CASE WHEN t[3] IN ('x', 'X') THEN try_cast('0x' || t[4:-2] AS INTEGER) ELSE try_cast(t[3:-2] AS INTEGER) END`;

/**
 * Twitter's texts arrive HTML-escaped (`&gt;`, `&amp;`, `&#39;`). Decoded in one pass over the text's tokens, so each
 * entity is decoded once (`&amp;gt;` is `&gt;`, never `>`); a code point chr() cannot write (NUL, a surrogate, past
 * U+10FFFF) and every other `&` stay as they are. Only texts holding an `&` pay for the tokenising.
 */
export const decodeEntities = (expr: string) => `CASE WHEN contains(${expr}, '&') THEN array_to_string(list_transform(
    regexp_extract_all(${expr}, '${ENTITY_OR_TEXT}'), t -> CASE
      WHEN t[1] <> '&' OR t = '&' THEN t
      WHEN t = '&amp;' THEN '&' WHEN t = '&lt;' THEN '<' WHEN t = '&gt;' THEN '>'
      WHEN t = '&quot;' THEN '"' WHEN t = '&apos;' THEN ''''
      WHEN ${ENTITY_CODE} BETWEEN 1 AND 1114111 AND ${ENTITY_CODE} NOT BETWEEN 55296 AND 57343 THEN chr(${ENTITY_CODE})
      ELSE t END), '')
  ELSE ${expr} END`;
