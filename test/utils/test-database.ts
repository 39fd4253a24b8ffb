import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../../src/shared/database/embedded/embedded-postgres';

/**
 * Where a test app keeps its data: a fresh temporary DATA_DIR, plus (when TEST_DATABASE_URL
 * names a real PostgreSQL server) a fresh database created for this app and dropped after.
 * Without TEST_DATABASE_URL the app runs its embedded PostgreSQL inside DATA_DIR, on a copy
 * of a cluster made once per machine and PostgreSQL version (a copy takes a fifth of initdb).
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
    await copyClusterTemplate(dataDir);
    return {
      env: { DATA_DIR: dataDir },
      release: async () => {
        // A process killed with SIGKILL leaves its server to stop on its own, a moment later.
        await serverGone(join(dataDir, 'pg'));
        await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
      },
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

/** Puts a pristine cluster at <dataDir>/pg, as the app's first start would have made it. */
export async function copyClusterTemplate(dataDir: string): Promise<void> {
  const template = await clusterTemplate();
  // cp -a keeps the owner: the cluster belongs to the account the server runs as.
  await promisify(execFile)('cp', ['-a', join(template, 'pg'), join(dataDir, 'pg')]);
}

let templateReady: Promise<string> | undefined;

function clusterTemplate(): Promise<string> {
  templateReady ??= makeClusterTemplate();
  return templateReady;
}

/** Made by the product's own first start; parallel jest workers race to rename, one wins. */
async function makeClusterTemplate(): Promise<string> {
  const version = await binariesVersion();
  const template = join(tmpdir(), `ib-pg-template-${process.getuid?.() ?? 0}-${version}`);
  if (existsSync(join(template, 'pg', 'PG_VERSION'))) return template;
  const staging = await mkdtemp(`${template}.staging-`);
  const server = new EmbeddedPostgres({ dataDir: staging, role: 'test cluster template' });
  await server.start();
  await server.stop();
  await rename(staging, template).catch(() => rm(staging, { recursive: true, force: true }));
  return template;
}

async function binariesVersion(): Promise<string> {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const manifest = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8'));
  return String((manifest as { version: string }).version);
}

async function serverGone(pgdata: string, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const pid = await readFile(join(pgdata, 'postmaster.pid'), 'utf8').then(
      (text) => Number(text.split('\n')[0]),
      () => undefined,
    );
    if (pid === undefined || !isRunning(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
