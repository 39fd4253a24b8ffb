import { randomBytes } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { api, startBridge, waitForAgent, type TestBridge } from '../utils/bridge';
import { json } from '../utils/http';
import { spawnProfile } from '../utils/spawn-profile';
import { startRelay } from '../utils/test-apps';
import { provisionTestDatabase } from '../utils/test-database';

/** A chunked POST to the upstream's echo through the bridge; `feed` writes and ends the body. */
function chunkedUpload(
  bridge: TestBridge,
  feed: (req: ClientRequest) => void,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      bridge.proxyUrl('/echo'),
      {
        method: 'POST',
        agent: false,
        headers: { 'x-api-key': bridge.apiKey, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    feed(req);
  });
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('tunnel failure modes', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startBridge({
      relayEnv: {
        PROXY_TIMEOUT_MS: '1500',
        TUNNEL_MAX_STREAMS: '4',
        MAX_BODY_BYTES_PROXY: '1048576',
      },
    });
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it('answers 504 UPSTREAM_TIMEOUT at the deadline and stops the upstream work', async () => {
    const abortedBefore = bridge.upstream.aborted;
    const started = Date.now();
    const response = await bridge.call('/hang');
    expect(response.status).toBe(504);
    expect(await json(response)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    await until(() => bridge.upstream.aborted > abortedBefore, 5_000);
  });

  it('lets a slow upload that keeps flowing outlive the deadline', async () => {
    const answer = await chunkedUpload(bridge, (req) => {
      let sent = 0;
      const timer = setInterval(() => {
        req.write(Buffer.alloc(1024, 1));
        if (++sent === 10) {
          clearInterval(timer);
          req.end();
        }
      }, 300);
    });
    expect(JSON.parse(answer.body)).toMatchObject({ bodySize: 10 * 1024 });
  });

  it('does not cut a caller that pauses reading for longer than the deadline', async () => {
    const size = 8 * 1024 * 1024;
    const received = await new Promise<number>((resolve, reject) => {
      request(
        bridge.proxyUrl(`/bytes?size=${size}`),
        { headers: { 'x-api-key': bridge.apiKey } },
        (res) => {
          res.pause();
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
          setTimeout(() => res.resume(), 3_000);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(received).toBe(size);
  });

  it('refuses a chunked upload once it passes the proxy body limit (413)', async () => {
    const reply = await chunkedUpload(bridge, (req) => {
      const chunk = Buffer.alloc(64 * 1024, 2);
      const pump = (left: number): void => {
        if (left === 0) return void req.end();
        if (req.write(chunk)) pump(left - 1);
        else req.once('drain', () => pump(left - 1));
      };
      pump(64);
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('passes a caller abort on to the upstream', async () => {
    const abortedBefore = bridge.upstream.aborted;
    const controller = new AbortController();
    const pending = bridge.call('/hang', { signal: controller.signal }).catch((e: Error) => e);
    await until(() => bridge.upstream.hits.some((hit) => hit.url === '/hang?abort-me'), 100).catch(
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    expect(await pending).toHaveProperty('name', 'AbortError');
    await until(() => bridge.upstream.aborted > abortedBefore, 5_000);
    const session = bridge.relay.app.get(TunnelRegistry).get(bridge.agentId)!;
    await until(() => session.streamsInFlight === 0, 5_000);
  });

  it('answers 503 AGENT_BUSY beyond the per-agent stream cap', async () => {
    const controllers = Array.from({ length: 4 }, () => new AbortController());
    const hanging = controllers.map((c) =>
      bridge.call('/hang', { signal: c.signal }).catch(() => undefined),
    );
    const session = bridge.relay.app.get(TunnelRegistry).get(bridge.agentId)!;
    await until(() => session.streamsInFlight === 4, 5_000);
    const extra = await bridge.call('/echo');
    expect(extra.status).toBe(503);
    expect(await json(extra)).toMatchObject({ code: 'AGENT_BUSY' });
    controllers.forEach((c) => c.abort());
    await Promise.all(hanging);
    await until(() => session.streamsInFlight === 0, 5_000);
  });
});

describe('agent and relay processes going away', () => {
  it('gives callers 502 at once when the agent dies, and the agent is back after a relay restart', async () => {
    const database = await provisionTestDatabase();
    let relay = await startRelay({ ADMIN_PASSWORD: 'restart-admin-password', ...database.env });
    const { port } = new URL(relay.url);
    const { accessToken } = await api<{ accessToken: string }>(relay.url, '/api/v1/auth/login', {
      body: { username: 'admin', password: 'restart-admin-password' },
    });
    const agentCredentials = await api<{ id: string; secret: string }>(
      relay.url,
      '/api/v1/agents',
      {
        token: accessToken,
        body: { name: `restart-${randomBytes(3).toString('hex')}` },
      },
    );
    const key = await api<{ id: string; key: string }>(relay.url, '/api/v1/api-keys', {
      token: accessToken,
      body: { name: 'restart' },
    });
    await api(relay.url, '/api/v1/grants', {
      token: accessToken,
      body: {
        apiKeyId: key.id,
        agentId: agentCredentials.id,
        datasource: '*',
        operations: ['GET'],
      },
    });
    const { TestUpstream } = await import('../utils/test-upstream');
    const upstream = await new TestUpstream().start();
    const file = join(database.env.DATA_DIR, 'ds.json');
    await writeFile(
      file,
      JSON.stringify([
        { name: 'svc', type: 'http', http: { baseUrl: upstream.url, allowedMethods: ['GET'] } },
      ]),
    );
    const adminToken = 'restart-agent-admin-token-0123456789';
    const spawnAgent = () =>
      spawnProfile('agent', {
        env: {
          RELAY_URL: relay.url,
          AGENT_ID: agentCredentials.id,
          AGENT_SECRET: agentCredentials.secret,
          AGENT_ADMIN_TOKEN: adminToken,
          AGENT_DATASOURCES_FILE: file,
        },
      });
    let agent = await spawnAgent();
    const call = (path: string) =>
      fetch(`${relay.url}/api/v1/proxy/${agentCredentials.id}/svc${path}`, {
        headers: { 'x-api-key': key.key },
      });
    try {
      await waitForAgent(relay, agentCredentials.id);
      expect((await call('/echo')).status).toBe(200);

      // The agent process dies while a call waits on it.
      const pending = call('/hang');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const killedAt = Date.now();
      agent.child.kill('SIGKILL');
      const failed = await pending;
      expect(failed.status).toBe(502);
      expect(await json(failed)).toMatchObject({ code: 'AGENT_DISCONNECTED' });
      expect(Date.now() - killedAt).toBeLessThan(2_000);
      await agent.release();

      // A new agent; shorten its reconnect cap through its own admin API.
      agent = await spawnAgent();
      await waitForAgent(relay, agentCredentials.id);
      const put = await fetch(`${agent.url}/api/v1/connection`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          relayUrl: relay.url,
          agentId: agentCredentials.id,
          reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
        }),
      });
      expect(put.status).toBe(200);
      await waitForAgent(relay, agentCredentials.id);

      // The relay restarts on the same port and database: the agent comes back by itself.
      await relay.app.close();
      const restartedAt = Date.now();
      relay = await startRelay({ ...database.env, PORT: port });
      await waitForAgent(relay, agentCredentials.id, 10_000);
      expect(Date.now() - restartedAt).toBeLessThan(10_000);
      expect((await call('/echo')).status).toBe(200);
      const status = await fetch(`${agent.url}/api/v1/connection/status`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(await json(status)).toMatchObject({
        state: 'connected',
        connects: expect.any(Number),
      });
    } finally {
      await agent.release();
      await relay.app.close().catch(() => undefined);
      await upstream.stop();
      await database.release();
    }
  });
});
