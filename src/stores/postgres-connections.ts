// Where the PostgreSQL store gets its connections: a pool of its own, a pool it was handed, or one client it was
// handed. The store ends only a pool it opened; what a caller hands in stays the caller's to close.
import pg from 'pg';

/** A connection checked out for a while (a transaction, a COPY). */
export type CheckedOut = Pick<pg.PoolClient, 'query' | 'release'>;

export interface Connections {
  query: pg.Pool['query'];
  connect(): Promise<CheckedOut>;
  /** Lets go of what the store opened; a no-op for what it was handed. */
  end(): Promise<void>;
}

/** What createStore accepts for a PostgreSQL target: a ready pg.Pool, or a connected pg.Client. */
export type PostgresConnection = pg.Pool | pg.ClientBase;

export function ownPool(url: string, maxConnections: number): Connections {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: 10_000 });
  // An idle client that dies (server restart) must not crash the process.
  pool.on('error', () => {});
  return { query: pool.query.bind(pool) as pg.Pool['query'], connect: () => pool.connect(), end: () => pool.end() };
}

export function handedConnections(connection: PostgresConnection): Connections {
  if (connection instanceof pg.Pool) {
    return { query: connection.query.bind(connection) as pg.Pool['query'], connect: () => connection.connect(), end: async () => {} };
  }
  return oneClient(connection);
}

/** One client, lent out one checkout at a time: a connection runs one transaction at once. */
function oneClient(client: pg.ClientBase): Connections {
  let free: Promise<void> = Promise.resolve();
  const connect = async (): Promise<CheckedOut> => {
    const previous = free;
    let release = () => {};
    free = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return { query: client.query.bind(client) as pg.PoolClient['query'], release: () => release() };
  };
  const query = async (...args: unknown[]) => {
    const lent = await connect();
    try {
      return await (client.query as (...values: unknown[]) => Promise<unknown>).apply(client, args);
    } finally {
      lent.release();
    }
  };
  return { query: query as unknown as pg.Pool['query'], connect, end: async () => {} };
}
