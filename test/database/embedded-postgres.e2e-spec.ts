import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { ADMIN_TOKEN } from '../utils/agent-admin';
import { IDENTITY_ENV, ADMIN, Api, login, sleep } from '../utils/identity';
import { runRelayCli } from '../utils/relay-cli';
import { runFailingProfile, spawnProfile, type ProfileProcess } from '../utils/spawn-profile';
import { startAgent, type RunningApp } from '../utils/test-apps';
import {
  provisionTestDatabase,
  usingRealPostgres,
  type TestDatabase,
} from '../utils/test-database';
import { TestUpstream } from '../utils/test-upstream';

// Everything here is about the embedded server: nothing to test on an external one.
const describeEmbedded = usingRealPostgres ? describe.skip : describe;

/** Pids of every process of the PostgreSQL server whose cluster is `pgdata`. */
function serverProcesses(pgdata: string): number[] {
  const postmaster = postmasterPid(pgdata);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (cmdline.includes(pgdata) || (postmaster !== undefined && ppid === postmaster)) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

function postmasterPid(pgdata: string): number | undefined {
  try {
    return Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z');
  } catch {
    return false;
  }
}

function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((child) => {
      try {
        return parentOf(child) === pid;
      } catch {
        return false;
      }
    });
}

function commandOf(pid: number): string {
  return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    if (check()) return true;
  }
  return check();
}

/** A second client of the relay's embedded server, through the socket in its folder. */
async function sql<T>(dataDir: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({
    host: join(dataDir, 'pg'),
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describeEmbedded('embedded PostgreSQL server (no DATABASE_URL)', () => {
  let database: TestDatabase;
  let relay: ProfileProcess | undefined;
  const pgdata = () => join(database.env.DATA_DIR, 'pg');
  const startRelay = async () =>
    (relay = await spawnProfile('relay', { database, env: { ...IDENTITY_ENV } }));

  beforeEach(async () => {
    database = await provisionTestDatabase();
  });
  afterEach(async () => {
    await relay?.release();
    relay = undefined;
    await database.release();
  });

  it('SIGTERM stops the server cleanly: no postgres process, no lock is left', async () => {
    await startRelay();
    const postmaster = postmasterPid(pgdata())!;
    expect(alive(postmaster)).toBe(true);
    expect(serverProcesses(pgdata()).length).toBeGreaterThanOrEqual(4);
    expect(await relay!.stop('SIGTERM')).toBe(0);
    expect(serverProcesses(pgdata())).toEqual([]);
    expect(alive(postmaster)).toBe(false);
    expect(existsSync(join(pgdata(), 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(database.env.DATA_DIR, 'intrabridge.lock'))).toBe(false);
    // A clean (fast) shutdown checkpoints: no session was cut, nothing to recover.
    expect(relay!.logs.filter((line) => line.level === 40 && 'postgres' in line)).toEqual([]);
  });

  it('a second relay or an agent on the folder is refused at once, naming the folder and the holder', async () => {
    await startRelay();
    const env = { ...database.env, ...IDENTITY_ENV };
    for (const profile of ['relay', 'agent'] as const) {
      const started = Date.now();
      const second = await runFailingProfile(profile, {
        ...env,
        HOST: '127.0.0.1',
        PORT: '0',
        RELAY_URL: 'http://127.0.0.1:9',
        AGENT_ID: '00000000-0000-4000-8000-000000000000',
        AGENT_SECRET: 'ibas_unused-secret-for-this-test',
        AGENT_ADMIN_TOKEN: ADMIN_TOKEN,
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(
        `data folder ${database.env.DATA_DIR} is in use by another process (pid ${relay!.child.pid}, relay,`,
      );
      // Nest reports the failed provider first; our line ends it, without a stack.
      expect(second.stderr.trim().split('\n').pop()).toMatch(/^intrabridge: data folder /);
    }
    // The running relay was not disturbed: same server, still serving.
    expect((await login(relay!.url, ADMIN.username, ADMIN.password)).status).toBe(200);
    expect(serverProcesses(pgdata()).filter((pid) => pid === postmasterPid(pgdata()))).toHaveLength(
      1,
    );
  });

  it('the admin CLI beside a running relay is a second client of its server: the relay sees what it creates', async () => {
    await startRelay();
    const postmaster = postmasterPid(pgdata());
    const created = await runRelayCli(
      ['create-agent', '--name', 'plant-8', '--json'],
      database.env,
    );
    expect(created.stderr).toBe(`relay: database: embedded PostgreSQL in ${pgdata()}\n`);
    expect(created.code).toBe(0);
    const agent = JSON.parse(created.stdout) as { id: string; secret: string };
    // No second server was started, and the relay's own kept running.
    expect(postmasterPid(pgdata())).toBe(postmaster);
    const token = await new Api(relay!.url).post('/api/v1/agents/token', {
      agentId: agent.id,
      secret: agent.secret,
    });
    expect(token.status).toBe(200);
    // And it is in the database the relay keeps, not in a copy: still there after a restart.
    await relay!.stop('SIGTERM');
    await startRelay();
    const again = await new Api(relay!.url).post('/api/v1/agents/token', {
      agentId: agent.id,
      secret: agent.secret,
    });
    expect(again.status).toBe(200);
  });

  it('after a kill -9 of the relay and of the server watchdog, the next start stops the orphan first', async () => {
    await startRelay();
    const orphan = postmasterPid(pgdata())!;
    // Frozen, so that nothing but the next start can end it (a stopped process ignores
    // all but SIGKILL until continued).
    process.kill(orphan, 'SIGSTOP');
    // The watchdog is a shell and its reader (a subshell waiting for our stdin to close).
    const watchdog = parentOf(orphan);
    const shells = [watchdog, ...childrenOf(watchdog).filter((pid) => commandOf(pid) === 'sh')];
    expect(shells).toHaveLength(2);
    for (const pid of shells) process.kill(pid, 'SIGKILL');
    relay!.child.kill('SIGKILL');
    await relay!.exited;
    await sleep(300);
    // Nobody is left to stop it: a real orphan, still holding the cluster.
    expect(alive(orphan)).toBe(true);
    expect(alive(orphan)).toBe(true);
    await startRelay();
    expect(alive(orphan)).toBe(false);
    expect(postmasterPid(pgdata())).not.toBe(orphan);
    expect(relay!.logs).toContainEqual(
      expect.objectContaining({ msg: 'stopped an orphaned embedded PostgreSQL', pid: orphan }),
    );
    expect((await login(relay!.url, ADMIN.username, ADMIN.password)).status).toBe(200);
  });

  it('after a kill -9 of the relay alone, its server stops by itself (it does not outlive the process)', async () => {
    await startRelay();
    relay!.child.kill('SIGKILL');
    await relay!.exited;
    expect(await until(() => serverProcesses(pgdata()).length === 0, 15_000)).toBe(true);
  });
});

describeEmbedded('embedded PostgreSQL: kill -9 mid-traffic', () => {
  let database: TestDatabase;
  let relay: ProfileProcess | undefined;
  let agent: RunningApp<unknown> | undefined;
  let upstream: TestUpstream;

  beforeAll(async () => {
    database = await provisionTestDatabase();
    upstream = await new TestUpstream().start();
  });
  afterAll(async () => {
    await agent?.close();
    await relay?.release();
    await upstream.stop();
    await database.release();
  });

  it('loses nothing committed: every audited 2xx change and every stored transfer record survives', async () => {
    const dataDir = database.env.DATA_DIR;
    relay = await spawnProfile('relay', {
      database,
      env: { ...IDENTITY_ENV, RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_PRINCIPAL: '0' },
    });
    const admin = new Api(relay.url).withBearer(
      (await login(relay.url, ADMIN.username, ADMIN.password)).body.accessToken,
    );
    const registered = (await admin.post('/api/v1/agents', { name: 'kill-test' })).body;
    const key = (await admin.post('/api/v1/api-keys', { name: 'traffic' })).body;
    expect(
      (
        await admin.post('/api/v1/grants', {
          apiKeyId: key.id,
          agentId: registered.id,
          datasource: '*',
          operations: ['GET'],
        })
      ).status,
    ).toBe(201);
    const datasources = join(dataDir, '..', `${dataDir.split('/').pop()}-datasources.json`);
    await writeFile(
      datasources,
      JSON.stringify([{ name: 'svc', type: 'http', http: { baseUrl: upstream.url } }]),
    );
    agent = await startAgent({
      RELAY_URL: relay.url,
      AGENT_ID: registered.id,
      AGENT_SECRET: registered.secret,
      AGENT_ADMIN_TOKEN: ADMIN_TOKEN,
      AGENT_DATASOURCES_FILE: datasources,
    });
    const client = new Api(relay.url).withApiKey(key.key);
    const proxyPath = `/api/v1/proxy/${registered.id}/svc/api/json`;
    for (let i = 0; (await client.get(proxyPath)).status !== 200 && i < 200; i++) await sleep(50);

    // Traffic: proxied calls (transfer records, written in batches) and audited changes
    // (each answered 2xx only once its audit row is committed), until the kill.
    let running = true;
    const createdKeys: string[] = [];
    const committedRecords = new Set<string>();
    const proxyLoop = async () => {
      while (running) await client.get(proxyPath).catch(() => undefined);
    };
    const changeLoop = async () => {
      // Below the 100 active keys a user may hold.
      for (let i = 0; running && i < 90; i++) {
        const reply = await admin
          .post('/api/v1/api-keys', { name: `k-${i}` })
          .catch(() => undefined);
        if (reply?.status === 201) createdKeys.push(reply.body.id as string);
      }
    };
    // What another client of the database sees is committed.
    const observeLoop = async () => {
      while (running) {
        const rows = await sql<{ id: string }>(dataDir, 'select id from transfer_records').catch(
          () => [],
        );
        for (const row of rows) committedRecords.add(row.id);
        await sleep(100);
      }
    };
    const loops = [proxyLoop(), proxyLoop(), proxyLoop(), changeLoop(), observeLoop()];
    await until(() => committedRecords.size >= 50 && createdKeys.length >= 10, 20_000);
    relay.child.kill('SIGKILL');
    await relay.exited;
    running = false;
    await Promise.all(loops);
    expect(committedRecords.size).toBeGreaterThanOrEqual(50);
    expect(createdKeys.length).toBeGreaterThanOrEqual(10);

    relay = await spawnProfile('relay', { database, env: { ...IDENTITY_ENV } });
    const records = new Set(
      (await sql<{ id: string }>(dataDir, 'select id from transfer_records')).map((r) => r.id),
    );
    expect([...committedRecords].filter((id) => !records.has(id))).toEqual([]);
    const audited = new Set(
      (
        await sql<{ target_id: string }>(
          dataDir,
          "select target_id from audit_events where action = 'api_key.create'",
        )
      ).map((r) => r.target_id),
    );
    expect(createdKeys.filter((id) => !audited.has(id))).toEqual([]);
    const admin2 = new Api(relay.url).withBearer(
      (await login(relay.url, ADMIN.username, ADMIN.password)).body.accessToken,
    );
    expect((await admin2.get('/api/v1/audit-events/verify')).body).toMatchObject({ intact: true });
  }, 90_000);
});
