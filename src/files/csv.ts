// CSV files the product writes and reads go through DuckDB's own writer and reader (RFC 4180: quotes doubled,
// fields with a comma, quote, CR or LF quoted; a NULL is an empty field, an empty text is ""), in a private in-memory database.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

async function withDuckDB<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Writes a CSV file with a header line; each row holds one text (or null) per column. */
export async function writeCsv(file: string, columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | null>>): Promise<void> {
  await withDuckDB(async (connection) => {
    await connection.run(`CREATE TABLE csv_rows (${columns.map((column) => `${identifier(column)} VARCHAR`).join(', ')})`);
    const appender = await connection.createAppender('csv_rows');
    for (const row of rows) {
      for (const value of row) {
        if (value === null) appender.appendNull();
        else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.closeSync();
    await connection.run(`COPY csv_rows TO $file (FORMAT csv, HEADER true)`, { file });
  });
}

/** Reads a CSV file with a header line; every value is text, an empty field null. */
export async function readCsv(file: string): Promise<Array<Record<string, string | null>>> {
  return withDuckDB(async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_csv($file, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true)`, { file });
    return reader.getRowObjectsJson() as Array<Record<string, string | null>>;
  });
}
