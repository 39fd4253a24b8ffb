import { request as httpRequest } from 'node:http';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { CloseCode } from '../../src/shared/protocol';
import { ADMIN_TOKEN } from '../utils/agent-admin';
import { startBridge, waitForAgent, type TestBridge } from '../utils/bridge';
import { Api, createUser, sleep } from '../utils/identity';
import { eventually, openSse, type Json, type SseClient } from '../utils/operations';

describe('connection monitor with a real agent', () => {
  let bridge: TestBridge;
  let admin: Api;
  let feed: SseClient;

  beforeAll(async () => {
    bridge = await startBridge({
      relayEnv: { TUNNEL_HEARTBEAT_MS: '200', AUDIT_DENIAL_DEDUP: '0' },
    });
    admin = new Api(bridge.relay.url).withBearer(bridge.adminToken);
    const firstSession = bridge.relay.app.get(TunnelRegistry).get(bridge.agentId)?.id;
    // Reconnect quickly after a kick, so block periods can be observed in seconds.
    const put = await fetch(`${bridge.agent.url}/api/v1/connection`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        relayUrl: bridge.relay.url,
        agentId: bridge.agentId,
        reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
      }),
    });
    expect(put.status).toBe(200);
    // The agent reconnects with the new settings: wait for the new session.
    await eventually(async () => {
      const session = bridge.relay.app.get(TunnelRegistry).get(bridge.agentId);
      return session && session.id !== firstSession ? session : undefined;
    });
    feed = await openSse(`${bridge.relay.url}/api/v1/connections/events`, bridge.adminToken);
  });
  afterAll(async () => {
    feed?.close();
    await bridge?.close();
  });

  const liveSession = async () =>
    eventually(async () => {
      const list = (await admin.get('/api/v1/connections')).body as Json[];
      return list.find((c) => c.agentId === bridge.agentId && c.state === 'ready');
    });

  it('lists the connected agent with rising counters', async () => {
    const snapshot = await feed.waitFor((e) => e.event === 'snapshot');
    expect(snapshot.data).toEqual([expect.objectContaining({ agentId: bridge.agentId })]);

    const before = await liveSession();
    expect(before).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      agentId: bridge.agentId,
      agentName: expect.stringMatching(/^agent-/),
      remoteIp: '127.0.0.1',
      state: 'ready',
      protocolVersion: expect.any(Number),
      agentVersion: expect.any(String),
      streamsInFlight: 0,
      datasources: [expect.objectContaining({ name: 'svc', type: 'http' })],
    });
    expect(Date.parse(before.connectedAt)).toBeLessThanOrEqual(Date.now());
    for (let i = 0; i < 5; i++) {
      const response = await bridge.call('/bytes?size=20000');
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    // Heartbeats every 200 ms: a round-trip time shows up.
    const after = await eventually(async () => {
      const current = (await admin.get(`/api/v1/connections/${before.id}`)).body;
      return current.rttMs !== null && current.lastHeartbeatAt !== null ? current : undefined;
    });
    expect(after.calls).toBe(before.calls + 5);
    expect(after.bytesIn).toBeGreaterThanOrEqual(before.bytesIn + 5 * 20_000);
    expect(after.bytesOut).toBeGreaterThan(before.bytesOut);
    expect(after.rttMs).toBeGreaterThanOrEqual(0);
  });

  it('shows a call in flight while it streams', async () => {
    const hanging = bridge.call('/hang');
    const session = await eventually(async () => {
      const current = await liveSession();
      return current.streamsInFlight === 1 ? current : undefined;
    });
    expect(session.streamsInFlight).toBe(1);
    // Kicking ends it with a clear error for the caller.
    await admin.delete(`/api/v1/connections/${session.id}`);
    const failed = await hanging;
    expect(failed.status).toBe(502);
    await waitForAgent(bridge.relay, bridge.agentId);
  });

  it('kicks a session with a block period that refuses the reconnect until it ends', async () => {
    const session = await liveSession();
    const blockSeconds = 3;
    const kicked = await admin.delete(
      `/api/v1/connections/${session.id}?blockSeconds=${blockSeconds}&reason=maintenance`,
    );
    expect(kicked.status).toBe(200);
    expect(kicked.body).toMatchObject({ sessionId: session.id, agentId: bridge.agentId });
    const blockedUntil = Date.parse(kicked.body.blockedUntil);
    expect(blockedUntil).toBeGreaterThan(Date.now() + 1_000);

    const kick = await feed.waitFor((e) => e.event === 'kick' && e.data.sessionId === session.id);
    expect(kick.data).toMatchObject({
      agentId: bridge.agentId,
      code: CloseCode.KICKED,
      reason: 'maintenance',
      by: 'admin',
    });
    const gone = await feed.waitFor(
      (e) => e.event === 'disconnect' && e.data.sessionId === session.id,
    );
    expect(gone.data).toMatchObject({ code: CloseCode.KICKED });

    const blocks = await admin.get('/api/v1/connections/blocks');
    expect(blocks.body).toEqual([
      expect.objectContaining({
        agentId: bridge.agentId,
        reason: 'maintenance',
        blockedUntil: kicked.body.blockedUntil,
      }),
    ]);
    // The agent keeps trying (every <= 400 ms) and is refused at the upgrade.
    await sleep(1_500);
    expect(bridge.relay.app.get(TunnelRegistry).get(bridge.agentId)).toBeUndefined();
    expect((await bridge.call('/echo')).status).toBe(503);
    const refusals = await admin.get(
      `/api/v1/audit-events?action=connection.refused&target=${bridge.agentId}`,
    );
    expect(refusals.body.items.length).toBeGreaterThan(0);
    expect(refusals.body.items[0]).toMatchObject({
      outcome: 'denied',
      actor: { type: 'agent', id: bridge.agentId },
      details: { reason: 'blocked' },
    });

    // Once the block ends the agent is back on its own.
    const back = await feed.waitFor(
      (e) =>
        e.event === 'connect' &&
        e.data.sessionId !== session.id &&
        Date.parse(e.data.at) >= blockedUntil - 50,
      15_000,
    );
    expect(Date.parse(back.data.at)).toBeGreaterThanOrEqual(blockedUntil - 50);
    await waitForAgent(bridge.relay, bridge.agentId);
    expect((await bridge.call('/echo')).status).toBe(200);
  });

  it('refuses the upgrade with 403 AGENT_BLOCKED and Retry-After while blocked', async () => {
    const session = await liveSession();
    await admin.delete(`/api/v1/connections/${session.id}?blockSeconds=600`);
    const token = await fetch(`${bridge.relay.url}/api/v1/agents/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: bridge.agentId, secret: bridge.agentSecret }),
    });
    const { accessToken } = (await token.json()) as { accessToken: string };
    const upgrade = await new Promise<{
      status: number;
      headers: Record<string, unknown>;
      body: string;
    }>((resolve, reject) => {
      const req = httpRequest(`${bridge.relay.url}/api/v1/tunnel`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
          authorization: `Bearer ${accessToken}`,
        },
      });
      req.on('response', (res: import('node:http').IncomingMessage) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('upgrade', () => reject(new Error('upgraded while blocked')));
      req.on('error', reject);
      req.end();
    });
    expect(upgrade.status).toBe(403);
    expect(JSON.parse(upgrade.body)).toMatchObject({ code: 'AGENT_BLOCKED' });
    expect(Number(upgrade.headers['retry-after'])).toBeGreaterThan(500);
    const blockedUntil: string = JSON.parse(upgrade.body).details.blockedUntil;
    expect(Date.parse(blockedUntil)).toBeGreaterThan(Date.now() + 500_000);

    // The agent's own status says why it is out, with the relay's code and the block end.
    const status = await eventually(async () => {
      const answer = await fetch(`${bridge.agent.url}/api/v1/connection/status`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const body = (await answer.json()) as Json;
      return body.state === 'blocked' ? body : undefined;
    });
    expect(status).toMatchObject({
      lastErrorCode: 'AGENT_BLOCKED',
      blockedUntil,
      lastError: expect.stringContaining('403 AGENT_BLOCKED'),
    });

    // Lifting the block lets the agent straight back in.
    expect((await admin.delete(`/api/v1/connections/blocks/${bridge.agentId}`)).status).toBe(204);
    await waitForAgent(bridge.relay, bridge.agentId, 10_000);
    const back = await fetch(`${bridge.agent.url}/api/v1/connection/status`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const backStatus = (await back.json()) as Json;
    expect(backStatus.state).toBe('connected');
    expect(backStatus).not.toHaveProperty('lastErrorCode');
    expect(backStatus).not.toHaveProperty('blockedUntil');
    expect((await admin.get('/api/v1/connections/blocks')).body).toEqual([]);
    expect((await admin.delete(`/api/v1/connections/blocks/${bridge.agentId}`)).status).toBe(404);
  });

  it('refuses agents from addresses the tunnel-scope IP rules deny', async () => {
    const rule = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '127.0.0.0/8',
      scopes: ['tunnel'],
    });
    expect(rule.status).toBe(201);
    const session = await liveSession();
    await admin.delete(`/api/v1/connections/${session.id}`);
    // The agent's reconnect (after its backoff) is what the rule refuses and audits.
    const denied = await eventually(async () => {
      const answer = await admin.get('/api/v1/audit-events?action=access.ip_denied');
      return (answer.body.items as Json[])[0];
    });
    expect(denied).toMatchObject({ details: { scope: 'tunnel' } });
    expect(bridge.relay.app.get(TunnelRegistry).get(bridge.agentId)).toBeUndefined();
    // Proxy and admin scopes are untouched by a tunnel rule.
    expect((await admin.get('/api/v1/connections')).status).toBe(200);
    await admin.delete(`/api/v1/security/ip-rules/${rule.body.id}`);
    await waitForAgent(bridge.relay, bridge.agentId, 10_000);
  });

  it('audits connects, disconnects and kicks', async () => {
    const events = (await admin.get('/api/v1/audit-events?action=connection.*&limit=500')).body
      .items;
    const kicks = events.filter((e: Json) => e.action === 'connection.kick');
    expect(kicks.length).toBeGreaterThanOrEqual(4);
    expect(kicks.find((e: Json) => e.details.blockSeconds === 3)).toMatchObject({
      outcome: 'success',
      actor: { type: 'user', name: 'admin', ip: '127.0.0.1' },
      target: { type: 'agent', id: bridge.agentId },
      details: { reason: 'maintenance', blockedUntil: expect.any(String) },
    });
    const disconnects = events.filter((e: Json) => e.action === 'connection.disconnect');
    expect(disconnects.some((e: Json) => e.details.code === CloseCode.KICKED)).toBe(true);
    expect(
      events.filter((e: Json) => e.action === 'connection.connect').length,
    ).toBeGreaterThanOrEqual(4);
    expect(events.find((e: Json) => e.action === 'connection.unblock')).toBeDefined();
  });

  it('is for operators and admins; a missing session is 404', async () => {
    const operator = await createUser(admin, ['operator'], 'operator');
    const auditor = await createUser(admin, ['auditor'], 'auditor');
    expect((await operator.api.get('/api/v1/connections')).status).toBe(200);
    expect((await auditor.api.get('/api/v1/connections')).status).toBe(403);
    expect(
      (await auditor.api.delete(`/api/v1/connections/${(await liveSession()).id}`)).status,
    ).toBe(403);
    const missing = await operator.api.delete(
      '/api/v1/connections/00000000-0000-4000-8000-000000000000',
    );
    expect([missing.status, missing.body.code]).toEqual([404, 'CONNECTION_NOT_FOUND']);
    const sse = await fetch(`${bridge.relay.url}/api/v1/connections/events`);
    expect(sse.status).toBe(401);
  });
});
