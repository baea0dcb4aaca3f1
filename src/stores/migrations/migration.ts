// A migration is history: frozen DDL text with a number. Once a version has shipped its text never changes, because
// databases that recorded it in schema_migrations will not run it again; a change to a table is a new version.

export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** The migrations a database still lacks, in order. */
export function pendingMigrations(all: readonly Migration[], applied: ReadonlySet<number>): Migration[] {
  return all.filter((migration) => !applied.has(migration.version));
}
