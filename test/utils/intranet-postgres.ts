import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { provisionTestDatabase } from './test-database';

/**
 * A PostgreSQL standing in for an intranet database: a fresh database on the server named by
 * TEST_DATABASE_URL when set, else an embedded PGlite in a child process. PGlite accepts one
 * connection at a time and enforces no statement_timeout, which `real` lets tests account for.
 */
export interface IntranetPostgres {
  url: string;
  real: boolean;
  /** Runs statements on a short-lived connection (closed before the agent connects). */
  execute(sql: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startIntranetPostgres(): Promise<IntranetPostgres> {
  const database = await provisionTestDatabase();
  if (database.env.DATABASE_URL) {
    return withHelpers(database.env.DATABASE_URL, true, () => database.release());
  }
  await database.release();
  const child = spawn(process.execPath, [join(__dirname, 'pglite-server.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`pglite server exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return withHelpers(`postgres://postgres@127.0.0.1:${port}/postgres`, false, async () => {
    child.kill('SIGKILL');
    await new Promise((resolve) =>
      child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
    );
  });
}

function withHelpers(url: string, real: boolean, stop: () => Promise<void>): IntranetPostgres {
  return {
    url,
    real,
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
