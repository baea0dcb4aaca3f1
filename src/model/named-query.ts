// A query a stage owns and hands to a store: a name for messages and its text in each dialect a store speaks.
// The stage keeps the SQL (one file per dialect, side by side); the store picks its dialect and does the IO.

/**
 * The rows of one SELECT, per dialect. ClickHouse binds values as {name:Type}. PostgreSQL runs the query inside
 * COPY, which takes no bound values, so a value is read as `current_setting('riverline.<name>')` (see postgresParam).
 */
export interface NamedQuery {
  /** What the rows are, for messages: "process input" gives "… while exporting process input". */
  readonly name: string;
  readonly clickhouse: string;
  readonly postgres: string;
}

/** Values bound to a NamedQuery; names are lower-case words. A list is an Array(String) in ClickHouse, JSON text in PostgreSQL. */
export type QueryParams = Record<string, string | readonly string[]>;

/** A bound value in a NamedQuery's PostgreSQL text. */
export const postgresParam = (name: string): string => `current_setting('riverline.${name}')`;
