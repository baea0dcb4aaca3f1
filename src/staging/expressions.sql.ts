// Parsing expressions over the raw VARCHAR fields, shared by the quality checks and the export.

export const TWITTER_TIMESTAMP_FORMAT = '%a %b %d %H:%M:%S %z %Y';

/** Ids may arrive written as floats by pandas ("3.0") or padded; the regex runs only when needed. */
export const normalizeId = (expr: string) =>
  `CASE WHEN contains(${expr}, '.') OR contains(${expr}, ' ') THEN nullif(regexp_replace(trim(${expr}), '^(\\d+)\\.0+$', '\\1'), '') ELSE nullif(${expr}, '') END`;

export const PARSE_TIMESTAMP = `coalesce(try_strptime(created_at, '${TWITTER_TIMESTAMP_FORMAT}'), try_cast(trim(created_at) AS TIMESTAMPTZ))`;

export const PARSE_INBOUND = `CASE
    WHEN lower(trim(inbound)) IN ('true', 't', '1', 'yes', 'y', '1.0') THEN true
    WHEN lower(trim(inbound)) IN ('false', 'f', '0', 'no', 'n', '0.0') THEN false
  END`;

