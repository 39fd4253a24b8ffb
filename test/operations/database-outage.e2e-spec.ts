import WebSocket from 'ws';
import { ConnectionsService } from '../../src/relay/connections/connections.service';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { adminClient, ADMIN_TOKEN } from '../utils/agent-admin';
import { ADMIN_PASSWORD, api, startBridge, type TestBridge } from '../utils/bridge';
import { prepareDatabaseOutage, type DatabaseOutage } from '../utils/database-outage';
import { Api, login, sleep } from '../utils/identity';
import { startAgent, type RunningApp } from '../utils/test-apps';

/**
 * The relay's database goes away while it serves, then comes back (issue 15): callers get
 * 503 DATABASE_UNAVAILABLE with Retry-After, never a 500 and never a lockout.
 */
describe('a database outage on the relay', () => {
  let outage: DatabaseOutage;
  let bridge: TestBridge;
  let admin: Api;

  beforeAll(async () => {
    outage = await prepareDatabaseOutage();
    bridge = await startBridge({
      relayEnv: {
        ...outage.env,
        // Small limits: a handful of counted failures would lock the name and the address.
        LOGIN_MAX_FAILURES: '3',
        LOGIN_MAX_FAILURES_PER_IP: '6',
        LOGIN_LOCKOUT: '900',
        LOGIN_FAILURE_DELAY_MS: '0',
      },
    });
    outage.attach(bridge.relay.app);
    admin = new Api(bridge.relay.url).withBearer(bridge.adminToken);
  });
  afterAll(async () => {
    await outage?.restore();
    await bridge?.close();
    await outage?.release();
  });

  /** Runs `work` with the database cut, and brings it back whatever happens. */
  async function duringOutage(work: () => Promise<void>): Promise<void> {
    await outage.cut();
    try {
      await work();
    } finally {
      await outage.restore();
    }
  }

  function expectUnavailable(result: { status: number; body: unknown; headers: Headers }): void {
    expect({ status: result.status, body: result.body }).toEqual({
      status: 503,
      body: expect.objectContaining({
        code: 'DATABASE_UNAVAILABLE',
        requestId: expect.any(String),
      }),
    });
    expect(result.headers.get('retry-after')).toBe('5');
  }

  const exchange = (secret: string) =>
    admin.anonymous().post('/api/v1/agents/token', { agentId: bridge.agentId, secret });

  it('counts no login or token exchange as failed, so nothing is locked afterwards', async () => {
    await duringOutage(async () => {
      // Ten of each: past both the name limit (3) and the address limit (6).
      for (let i = 0; i < 5; i++) {
        expectUnavailable(await login(bridge.relay.url, 'admin', 'a wrong password'));
        expectUnavailable(await login(bridge.relay.url, 'admin', ADMIN_PASSWORD));
        expectUnavailable(await exchange('ibas_wrong-secret'));
        expectUnavailable(await exchange(bridge.agentSecret));
      }
    });
    // At once after the outage: no 429, no Retry-After to wait out.
    expect((await login(bridge.relay.url, 'admin', ADMIN_PASSWORD)).status).toBe(200);
    expect((await exchange(bridge.agentSecret)).status).toBe(200);
  });

  it('lets the real agent reconnect at once after the outage', async () => {
    await duringOutage(async () => {
      for (let i = 0; i < 8; i++) expectUnavailable(await exchange(bridge.agentSecret));
    });
    // Dropping the session makes the agent exchange its secret and dial again.
    const registry = bridge.relay.app.get(TunnelRegistry);
    const before = registry.get(bridge.agentId)!;
    before.close(4000, 'test: reconnect');
    const deadline = Date.now() + 20_000;
    while (registry.get(bridge.agentId) === before || !registry.get(bridge.agentId)) {
      if (Date.now() > deadline) throw new Error('the agent did not reconnect');
      await sleep(50);
    }
    expect((await bridge.call('/status/200')).status).toBe(200);
    expect(bridge.relay.app.get(ConnectionsService).list()).toHaveLength(1);
  });

  it('refuses a tunnel upgrade with 503 DATABASE_UNAVAILABLE, not 401', async () => {
    const { accessToken } = (await exchange(bridge.agentSecret)).body as { accessToken: string };
    const upgrade = () =>
      new Promise<{ status?: number; body: string; retryAfter?: string }>((resolve, reject) => {
        const ws = new WebSocket(`${bridge.relay.url.replace(/^http/, 'ws')}/api/v1/tunnel`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        ws.once('open', () => {
          ws.terminate();
          resolve({ status: 101, body: '' });
        });
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode, body, retryAfter: res.headers['retry-after'] }),
          );
        });
        ws.once('error', reject);
      });
    await duringOutage(async () => {
      const refused = await upgrade();
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
      expect(refused.retryAfter).toBe('5');
    });
  });

  it('answers admin writes and proxy calls with 503 DATABASE_UNAVAILABLE, then serves again', async () => {
    // A key the relay has not seen in use yet, so its lookup needs the database.
    const key = await api<{ id: string; key: string }>(bridge.relay.url, '/api/v1/api-keys', {
      token: bridge.adminToken,
      body: { name: 'outage-client' },
    });
    await api(bridge.relay.url, '/api/v1/grants', {
      token: bridge.adminToken,
      body: { apiKeyId: key.id, agentId: bridge.agentId, datasource: '*', operations: ['GET'] },
    });
    const proxied = async () => {
      const response = await fetch(bridge.proxyUrl('/status/200'), {
        headers: { 'x-api-key': key.key },
      });
      const text = await response.text();
      const body: unknown = response.status === 200 ? text : JSON.parse(text);
      return { status: response.status, body, headers: response.headers };
    };
    await duringOutage(async () => {
      expectUnavailable(
        await admin.post('/api/v1/users', {
          username: 'made-during-outage',
          password: 'a long enough password',
          roles: ['client'],
        }),
      );
      expectUnavailable(await admin.post('/api/v1/agents', { name: 'made-during-outage' }));
      expectUnavailable(await proxied());
    });
    expect((await proxied()).status).toBe(200);
    const created = await admin.post('/api/v1/agents', { name: 'made-after-outage' });
    expect(created.status).toBe(201);
  });

  it('says in /readyz that the database is down, and is ready again after', async () => {
    await duringOutage(async () => {
      const response = await fetch(`${bridge.relay.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        code: 'NOT_READY',
        message: expect.stringContaining('database'),
        details: { database: { ok: false, code: 'DATABASE_UNAVAILABLE' } },
      });
    });
    const response = await fetch(`${bridge.relay.url}/readyz`);
    expect(response.status).toBe(200);
  });

  it('still counts wrong credentials once the database is back', async () => {
    const user = await admin.post('/api/v1/users', {
      username: 'after-outage',
      password: 'after-outage password',
      roles: ['client'],
    });
    expect(user.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      expect((await login(bridge.relay.url, 'after-outage', 'wrong password!')).status).toBe(401);
    }
    const locked = await login(bridge.relay.url, 'after-outage', 'after-outage password');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
  });
});

describe("a database outage on the agent's admin API", () => {
  let outage: DatabaseOutage;
  let agent: RunningApp<unknown>;

  beforeAll(async () => {
    outage = await prepareDatabaseOutage();
    agent = await startAgent({ ...outage.env, AGENT_ADMIN_TOKEN: ADMIN_TOKEN });
    outage.attach(agent.app);
  });
  afterAll(async () => {
    await outage?.restore();
    await agent?.close();
    await outage?.release();
  });

  it('answers a write with 503 DATABASE_UNAVAILABLE and names the database in /readyz', async () => {
    const admin = adminClient(agent);
    const datasource = (name: string) => ({
      name,
      type: 'http',
      http: { baseUrl: 'http://crm.intranet:8080', allowedMethods: ['GET'] },
    });
    await outage.cut();
    try {
      const created = await admin.post('/api/v1/datasources', datasource('during'));
      expect([created.status, created.body.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
      expect(created.headers.get('retry-after')).toBe('5');
      const ready = await admin.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.details.database).toMatchObject({
        ok: false,
        code: 'DATABASE_UNAVAILABLE',
      });
    } finally {
      await outage.restore();
    }
    expect((await admin.post('/api/v1/datasources', datasource('after'))).status).toBe(201);
  });
});
