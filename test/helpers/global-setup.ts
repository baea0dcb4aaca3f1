// Checks once that the test PostgreSQL answers, so a missing server fails the run with one clear sentence.
import pg from 'pg';
import { TEST_DATABASE_URL } from './postgres.js';

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `The tests need PostgreSQL, and ${TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} did not answer (${(error as Error).message}); start it or set TEST_DATABASE_URL to a server where the user may create databases.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
