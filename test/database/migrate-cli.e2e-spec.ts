import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AGENT_MIGRATIONS } from '../../migrations/agent';
import { RELAY_MIGRATIONS } from '../../migrations/relay';
import { describeDatabase } from '../../src/shared/database/database-description';
import type { RawEnv } from '../../src/shared/config/load-config';
import { spawnProfile } from '../utils/spawn-profile';
import { provisionTestDatabase, type TestDatabase } from '../utils/test-database';

const MIGRATE_JS = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'migrate.js');

/** Runs the compiled migration command (`npm run build` first), as the images do. */
async function migrate(args: string[], env: RawEnv) {
  const child = spawn(process.execPath, [MIGRATE_JS, ...args], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe.each([
  ['relay', RELAY_MIGRATIONS],
  ['agent', AGENT_MIGRATIONS],
] as const)('compiled migration command, %s', (profile, migrations) => {
  let database: TestDatabase;
  const names = migrations.map((migration) => migration.name);
  const env = () => ({ ...database.env, APP_PROFILE: profile });

  beforeAll(async () => {
    database = await provisionTestDatabase();
  });
  afterAll(async () => {
    await database?.release();
  });

  it('shows, runs and reverts migrations, naming the database it works on', async () => {
    const fresh = await migrate(['show'], env());
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toBe(`migrate: ${profile} database: ${describeDatabase(database.env)}\n`);
    expect(fresh.stdout).toBe(
      [...names.map((name) => `[ ] ${name}`), `${names.length} pending`, ''].join('\n'),
    );

    const run = await migrate(['run'], env());
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(names.map((name) => `applied ${name}\n`).join(''));
    expect((await migrate(['run'], env())).stdout).toBe('nothing to apply\n');

    const reverted = await migrate(['revert'], env());
    expect([reverted.code, reverted.stdout]).toEqual([0, `reverted ${names.at(-1)}\n`]);
    const after = await migrate(['show'], env());
    expect(after.stdout).toContain(`[X] ${names[0]}\n`);
    expect(after.stdout).toContain(`[ ] ${names.at(-1)}\n1 pending\n`);
    expect((await migrate(['run'], env())).stdout).toBe(`applied ${names.at(-1)}\n`);

    // The controlled upgrade: the app, told not to migrate, starts on the migrated schema.
    const app = await spawnProfile(profile, { database, env: { MIGRATIONS_RUN: 'false' } });
    try {
      const ready = (await (await fetch(`${app.url}/readyz`)).json()) as {
        checks?: object;
        details?: object;
      };
      expect(ready.checks ?? ready.details).toMatchObject({ database: { ok: true } });
    } finally {
      await app.stop();
    }
  });

  it('answers a wrong command with the usage and exit code 2, touching nothing', async () => {
    const wrong = await migrate(['drop'], env());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Usage: node dist/src/cli/migrate.js <show|run|revert>');
    expect(wrong.stdout).toBe('');
  });
});
