import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Where a test app keeps its data: a fresh temporary DATA_DIR, plus (when TEST_DATABASE_URL
 * names a real PostgreSQL server) a fresh database created for this app and dropped after.
 * Without TEST_DATABASE_URL the app runs on the embedded PGlite inside DATA_DIR.
 */
export interface TestDatabase {
  env: { DATA_DIR: string; DATABASE_URL?: string };
  release(): Promise<void>;
}

const adminUrl = process.env.TEST_DATABASE_URL;

export const usingRealPostgres = Boolean(adminUrl);

export async function provisionTestDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ib-test-'));
  if (!adminUrl) {
    return {
      env: { DATA_DIR: dataDir },
      release: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `intrabridge_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    release: async () => {
      await dropTestDatabase(name);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Refuses to drop anything whose name does not say it belongs to tests. */
export function assertTestDatabaseName(name: string): void {
  if (!/^intrabridge_test_[a-z0-9_]+$/.test(name)) {
    throw new Error(`refusing to drop database "${name}": not a test database`);
  }
}

async function dropTestDatabase(name: string): Promise<void> {
  assertTestDatabaseName(name);
  await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
