import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { Client } from 'pg';

const MAIN_JS = join(__dirname, '..', 'dist', 'src', 'main.js');

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts a profile from the build output and waits for its "listening" log line. */
export async function startProcess(
  profile: 'relay' | 'agent',
  env: Record<string, string>,
): Promise<RunningProcess> {
  const port = await freePort();
  // BENCH_CPU_PROF_DIR: write V8 CPU profiles of relay and agent there, for a closer look.
  const profiling = process.env.BENCH_CPU_PROF_DIR;
  const nodeArgs = profiling ? ['--cpu-prof', `--cpu-prof-dir=${profiling}`] : [];
  nodeArgs.push(...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean));
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    env: {
      PATH: process.env.PATH,
      APP_PROFILE: profile,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      // e.g. BENCH_NODE_OPTIONS=--max-semi-space-size=32 to try V8 settings
      NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', process.env.BENCH_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${profile} exited with ${code}`))),
  );
  await Promise.race([waitFor(async () => (await fetch(`${url}/healthz`)).ok), exited]);
  return {
    child,
    pid: child.pid!,
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function api<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export interface Bridge {
  adminToken: string;
  relay: RunningProcess;
  agent: RunningProcess;
  agentId: string;
  apiKey: string;
  proxyBase: string;
  /** Each side's DATA_DIR (its embedded server's folder is `pg` inside). */
  dataDirs: { relay: string; agent: string };
  stop(): Promise<void>;
}

/**
 * Relay and agent as production processes on the embedded database (or, with
 * BENCH_DATABASE_URL naming a PostgreSQL server, on fresh databases there), an agent
 * registered, one HTTP datasource `svc` pointing at `upstreamUrl`, and an API key granted
 * everything.
 */
export async function startBridge(
  upstreamUrl: string,
  relayEnv: Record<string, string> = {},
  extraDatasources: object[] = [],
): Promise<Bridge> {
  const dir = mkdtempSync(join(tmpdir(), 'ib-bench-'));
  // As root, the embedded servers run as the postgres account: it must pass through.
  chmodSync(dir, 0o711);
  const databases = await serverDatabases(process.env.BENCH_DATABASE_URL);
  const adminPassword = `bench-${randomBytes(12).toString('hex')}`;
  const relay = await startProcess('relay', {
    DATA_DIR: join(dir, 'relay'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_PASSWORD: adminPassword,
    // Rate limiting stays on, with limits a load generator on one address stays under.
    RATE_LIMIT_PER_IP: '10000000',
    RATE_LIMIT_PER_PRINCIPAL: '10000000',
    ...databases?.relay,
    ...relayEnv,
    ...JSON.parse(process.env.BENCH_RELAY_ENV ?? '{}'),
  });
  const { accessToken } = await api<{ accessToken: string }>(`${relay.url}/api/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  const me = await api<{ id: string }>(`${relay.url}/api/v1/auth/me`, { token: accessToken });
  const agent = await api<{ id: string; secret: string }>(`${relay.url}/api/v1/agents`, {
    method: 'POST',
    token: accessToken,
    body: JSON.stringify({ name: `bench-${randomBytes(4).toString('hex')}` }),
  });
  const key = await api<{ id: string; key: string }>(`${relay.url}/api/v1/api-keys`, {
    method: 'POST',
    token: accessToken,
    body: JSON.stringify({ name: 'bench' }),
  });
  await api(`${relay.url}/api/v1/grants`, {
    method: 'POST',
    token: accessToken,
    body: JSON.stringify({
      apiKeyId: key.id,
      agentId: agent.id,
      datasource: '*',
      operations: ['GET', 'POST', 'query'],
    }),
  });
  void me;
  const datasources = join(dir, 'datasources.json');
  writeFileSync(
    datasources,
    JSON.stringify([
      {
        name: 'svc',
        type: 'http',
        http: {
          baseUrl: upstreamUrl,
          allowedMethods: ['GET', 'POST'],
          timeoutMs: 60_000,
          maxBodyBytes: 2 ** 40,
        },
      },
      ...extraDatasources,
    ]),
  );
  const agentProcess = await startProcess('agent', {
    DATA_DIR: join(dir, 'agent'),
    AGENT_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    RELAY_URL: relay.url,
    AGENT_ID: agent.id,
    AGENT_SECRET: agent.secret,
    AGENT_DATASOURCES_FILE: datasources,
    ...databases?.agent,
  });
  const proxyBase = `${relay.url}/api/v1/proxy/${agent.id}/svc`;
  await waitFor(
    async () => (await fetch(`${proxyBase}/json1k`, { headers: { 'x-api-key': key.key } })).ok,
  );
  return {
    adminToken: accessToken,
    relay,
    agent: agentProcess,
    agentId: agent.id,
    apiKey: key.key,
    proxyBase,
    dataDirs: { relay: join(dir, 'relay'), agent: join(dir, 'agent') },
    stop: async () => {
      await agentProcess.stop();
      await relay.stop();
      await databases?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Two fresh databases on a PostgreSQL server, as DATABASE_URL settings for each process. */
async function serverDatabases(serverUrl: string | undefined) {
  if (!serverUrl) return undefined;
  const names = { relay: `ib_bench_${randomBytes(4).toString('hex')}_relay`, agent: '' };
  names.agent = names.relay.replace(/_relay$/, '_agent');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  for (const name of Object.values(names)) await admin.query(`create database ${name}`);
  await admin.end();
  const urlOf = (name: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { DATABASE_URL: url.toString() };
  };
  return {
    relay: urlOf(names.relay),
    agent: urlOf(names.agent),
    drop: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      for (const name of Object.values(names)) {
        await client.query(`drop database if exists ${name} with (force)`);
      }
      await client.end();
    },
  };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('bridge did not come up');
}
