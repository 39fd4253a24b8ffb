import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN } from '../utils/agent-admin';
import { api, login, registerAgent } from '../utils/bridge';
import { spawnProfile, type ProfileProcess } from '../utils/spawn-profile';
import { startAgent, type RunningApp } from '../utils/test-apps';
import type { AgentConfig } from '../../src/agent/agent.config';

const ADMIN_PASSWORD = 'drain-admin-password-1';

/** An intranet service that answers `/wait?ms=N` after N ms. */
async function startDelayedUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    const timer = setTimeout(() => res.end(`waited ${ms}`), ms);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

interface Deployment {
  relay: ProfileProcess;
  agent: RunningApp<AgentConfig>;
  call: (ms: number) => Promise<{ status: number; code?: string; body: string; at: number }>;
  close: () => Promise<void>;
}

/** A relay process (from dist), an in-process agent, a granted API key. */
async function deploy(upstream: Server, relayEnv: Record<string, string>): Promise<Deployment> {
  const relay = await spawnProfile('relay', {
    env: { ADMIN_PASSWORD, RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_PRINCIPAL: '0', ...relayEnv },
  });
  const admin = await login(relay.url, 'admin', ADMIN_PASSWORD);
  const agentCredentials = await registerAgent(relay.url, admin);
  const key = await api<{ id: string; key: string }>(relay.url, '/api/v1/api-keys', {
    token: admin,
    body: { name: 'drain-client' },
  });
  await api(relay.url, '/api/v1/grants', {
    token: admin,
    body: { apiKeyId: key.id, agentId: agentCredentials.id, datasource: '*', operations: ['GET'] },
  });
  const file = join(tmpdir(), `ib-drain-${randomBytes(4).toString('hex')}.json`);
  const port = (upstream.address() as AddressInfo).port;
  await writeFile(
    file,
    JSON.stringify([
      {
        name: 'slow',
        type: 'http',
        http: { baseUrl: `http://127.0.0.1:${port}`, allowedMethods: ['GET'], timeoutMs: 60_000 },
      },
    ]),
  );
  const agent = await startAgent({
    RELAY_URL: relay.url,
    AGENT_ID: agentCredentials.id,
    AGENT_SECRET: agentCredentials.secret,
    AGENT_ADMIN_TOKEN: ADMIN_TOKEN,
    AGENT_DATASOURCES_FILE: file,
  });
  const call = async (ms: number) => {
    const response = await fetch(
      `${relay.url}/api/v1/proxy/${agentCredentials.id}/slow/wait?ms=${ms}`,
      { headers: { 'x-api-key': key.key } },
    );
    const body = await response.text();
    const code = response.status >= 400 ? (JSON.parse(body) as { code: string }).code : undefined;
    return { status: response.status, code, body, at: Date.now() };
  };
  const deadline = Date.now() + 20_000;
  while ((await call(0)).status !== 200) {
    if (Date.now() > deadline) throw new Error('agent did not connect');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    relay,
    agent,
    call,
    close: async () => {
      await relay.release();
      await agent.close().catch(() => undefined);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('relay shutdown with calls in flight', () => {
  let upstream: Server;
  let deployment: Deployment | undefined;

  beforeAll(async () => {
    upstream = await startDelayedUpstream();
  });
  afterEach(async () => {
    await deployment?.close();
    deployment = undefined;
  });
  afterAll(async () => {
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('lets a 3 s call finish after SIGTERM, refusing new calls (503 RELAY_DRAINING) and readiness meanwhile', async () => {
    deployment = await deploy(upstream, { SHUTDOWN_TIMEOUT_MS: '10000' });
    const { relay, call } = deployment;
    const inFlight = call(3_000);
    await sleep(300);
    const signalledAt = Date.now();
    relay.child.kill('SIGTERM');
    await sleep(300);

    const refused = await call(0);
    expect(refused).toMatchObject({ status: 503, code: 'RELAY_DRAINING' });
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ details: { shutdown: { ok: false } } });

    const finished = await inFlight;
    expect(finished).toMatchObject({ status: 200, body: 'waited 3000' });
    expect(await relay.exited).toBe(0);
    // Exited once the call was done, not at SHUTDOWN_TIMEOUT_MS.
    expect(Date.now() - signalledAt).toBeLessThan(8_000);
  });

  it('ends a call still running at SHUTDOWN_TIMEOUT_MS with 503 RELAY_SHUTDOWN, then exits 0', async () => {
    deployment = await deploy(upstream, { SHUTDOWN_TIMEOUT_MS: '1000' });
    const { relay, call } = deployment;
    const inFlight = call(20_000);
    await sleep(300);
    const signalledAt = Date.now();
    relay.child.kill('SIGTERM');
    const ended = await inFlight;
    expect(ended).toMatchObject({ status: 503, code: 'RELAY_SHUTDOWN' });
    expect(ended.at - signalledAt).toBeGreaterThanOrEqual(900);
    expect(ended.at - signalledAt).toBeLessThan(3_000);
    expect(await relay.exited).toBe(0);
  });

  it('exits at once on a second SIGTERM', async () => {
    deployment = await deploy(upstream, { SHUTDOWN_TIMEOUT_MS: '30000' });
    const { relay, call } = deployment;
    const inFlight = call(20_000).catch(() => ({ status: 0 }));
    await sleep(300);
    relay.child.kill('SIGTERM');
    await sleep(300);
    expect(relay.child.exitCode).toBeNull();
    const secondAt = Date.now();
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(1);
    expect(Date.now() - secondAt).toBeLessThan(1_000);
    expect((await inFlight).status).not.toBe(200);
  });
});
