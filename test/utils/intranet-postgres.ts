import { Client } from 'pg';
import { EmbeddedPostgres } from '../../src/shared/database/embedded/embedded-postgres';
import { provisionTestDatabase } from './test-database';

/**
 * A PostgreSQL standing in for an intranet database: a fresh database on the server named by
 * TEST_DATABASE_URL when set, else an embedded PostgreSQL server of its own on loopback.
 */
export interface IntranetPostgres {
  url: string;
  /** Runs statements on a short-lived connection (closed before the agent connects). */
  execute(sql: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startIntranetPostgres(): Promise<IntranetPostgres> {
  const database = await provisionTestDatabase();
  if (database.env.DATABASE_URL) {
    return withHelpers(database.env.DATABASE_URL, () => database.release());
  }
  const server = new EmbeddedPostgres({
    dataDir: database.env.DATA_DIR,
    role: 'intranet database (test)',
    tcp: { host: '127.0.0.1', port: 0 },
  });
  const { port } = await server.start();
  return withHelpers(`postgres://postgres@127.0.0.1:${port}/postgres`, async () => {
    await server.stop();
    await database.release();
  });
}

function withHelpers(url: string, stop: () => Promise<void>): IntranetPostgres {
  return {
    url,
    stop,
    execute: async (sql) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
  };
}
