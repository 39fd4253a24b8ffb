import { TransferRecorder } from '../../src/relay/transfer-stats/transfer-recorder';
import { rawRequest } from '../utils/http';
import { startBridge, type TestBridge } from '../utils/bridge';
import { Api } from '../utils/identity';
import { parsePrometheus, type Json } from '../utils/operations';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';

/** Statistics, metrics, audit and security control on real proxied calls. */
describe('operations on proxied calls through a real agent', () => {
  let bridge: TestBridge;
  let admin: Api;

  beforeAll(async () => {
    bridge = await startBridge({
      relayEnv: {
        METRICS_TOKEN,
        TRUSTED_PROXIES: 'loopback',
        AUDIT_DENIAL_DEDUP: '0',
        TRANSFER_FLUSH_INTERVAL_MS: '60000',
      },
    });
    admin = new Api(bridge.relay.url).withBearer(bridge.adminToken);
  });
  afterAll(async () => {
    await bridge?.close();
  });

  const scrape = async () => {
    const response = await fetch(`${bridge.relay.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return parsePrometheus(await response.text());
  };

  const records = async () => {
    await bridge.relay.app.get(TransferRecorder).flush();
    const page = await admin.get(
      `/api/v1/transfer-stats/records?agentId=${bridge.agentId}&limit=1000`,
    );
    expect(page.status).toBe(200);
    return page.body.items as Json[];
  };

  it('writes transfer records that match the calls made, and moves the metrics', async () => {
    const before = await scrape();
    const already = (await records()).length;
    const made: Array<{ requestId: string; status: number; sent: number; received: number }> = [];
    for (const size of [1_000, 65_536, 300_000]) {
      const response = await bridge.call(`/bytes?size=${size}`);
      const body = Buffer.from(await response.arrayBuffer());
      made.push({
        requestId: response.headers.get('x-request-id')!,
        status: response.status,
        sent: 0,
        received: body.length,
      });
    }
    for (const size of [10, 500_000]) {
      const response = await bridge.call('/echo', { method: 'PUT', body: Buffer.alloc(size, 7) });
      const body = Buffer.from(await response.arrayBuffer());
      made.push({
        requestId: response.headers.get('x-request-id')!,
        status: response.status,
        sent: size,
        received: body.length,
      });
    }
    const missing = await bridge.call('/status/404');
    made.push({
      requestId: missing.headers.get('x-request-id')!,
      status: missing.status,
      sent: 0,
      received: (await missing.arrayBuffer()).byteLength,
    });
    expect(made.map((m) => m.status)).toEqual([200, 200, 200, 200, 200, 404]);

    const all = await records();
    expect(all.length - already).toBe(made.length);
    for (const call of made) {
      const record = all.find((r) => r.requestId === call.requestId);
      expect(record).toMatchObject({
        principal: { type: 'apiKey', id: bridge.apiKeyId },
        agentId: bridge.agentId,
        datasource: 'svc',
        status: call.status,
        bytesIn: call.sent,
        bytesOut: call.received,
      });
      expect(record!.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(all.find((r) => r.requestId === made[0].requestId)).toMatchObject({
      operation: 'GET',
      contentType: 'application/octet-stream',
    });
    expect(all.find((r) => r.requestId === made[3].requestId)).toMatchObject({
      operation: 'PUT',
      contentType: 'application/json',
    });

    const totals = (
      await admin.get(
        `/api/v1/transfer-stats?bucket=total&agentId=${bridge.agentId}&groupBy=statusClass`,
      )
    ).body.rows;
    const ok = totals.find((r: { statusClass: string }) => r.statusClass === '2xx');
    expect(ok.bytesIn).toBeGreaterThanOrEqual(500_010);

    const after = await scrape();
    const labels = { agent_id: bridge.agentId, datasource: 'svc' };
    const delta = (name: string, extra: Record<string, string> = {}) =>
      after.sum(name, { ...labels, ...extra }) - before.sum(name, { ...labels, ...extra });
    expect(delta('intrabridge_proxy_calls_total')).toBe(made.length);
    expect(delta('intrabridge_proxy_calls_total', { status_class: '4xx' })).toBe(1);
    expect(delta('intrabridge_proxy_bytes_total', { direction: 'in' })).toBe(500_010);
    expect(delta('intrabridge_proxy_bytes_total', { direction: 'out' })).toBe(
      made.reduce((sum, m) => sum + m.received, 0),
    );
    expect(delta('intrabridge_proxy_duration_seconds_count')).toBe(made.length);
    expect(after.sum('intrabridge_tunnel_sessions')).toBe(1);
    expect(after.sum('intrabridge_tunnel_connects_total')).toBeGreaterThanOrEqual(1);
    expect(after.sum('intrabridge_transfer_records_written_total')).toBeGreaterThanOrEqual(
      made.length,
    );
  });

  it('labels metrics only with datasources the agent publishes', async () => {
    const before = await scrape();
    for (const name of ['ghost-1', 'ghost-2']) {
      const response = await fetch(bridge.proxyUrl('/x', name), {
        headers: { 'x-api-key': bridge.apiKey },
      });
      expect(response.status).toBe(404);
    }
    const after = await scrape();
    const unknown = { agent_id: bridge.agentId, datasource: 'unknown' };
    expect(
      after.sum('intrabridge_proxy_calls_total', unknown) -
        before.sum('intrabridge_proxy_calls_total', unknown),
    ).toBe(2);
    expect(after.samples.some((sample) => sample.labels.datasource?.startsWith('ghost'))).toBe(
      false,
    );
  });

  it('audits a call refused for want of a grant', async () => {
    const key = await admin.post('/api/v1/api-keys', { name: 'no-grants' });
    expect(key.status).toBe(201);
    const refused = await fetch(bridge.proxyUrl('/echo'), {
      headers: { 'x-api-key': key.body.key, 'x-request-id': 'grant-denied-1' },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('GRANT_REQUIRED');
    const [event] = (await admin.get('/api/v1/audit-events?requestId=grant-denied-1')).body.items;
    expect(event).toMatchObject({
      action: 'access.grant_denied',
      outcome: 'denied',
      actor: { type: 'apiKey', id: key.body.id, name: 'no-grants', ip: '127.0.0.1' },
      target: { type: 'datasource', id: `${bridge.agentId}/svc` },
      details: { agentId: bridge.agentId, datasource: 'svc', method: 'GET', path: '/echo' },
    });
  });

  it('rate-limits proxied calls per API key, changed at run time', async () => {
    const override = await admin.post('/api/v1/security/rate-limits', {
      apiKeyId: bridge.apiKeyId,
      maxRequests: 2,
      windowSeconds: 30,
    });
    expect(override.status).toBe(201);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const response = await bridge.call('/echo');
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(30);
    const [event] = (await admin.get('/api/v1/audit-events?action=access.rate_limited')).body.items;
    expect(event).toMatchObject({
      actor: { type: 'apiKey', id: bridge.apiKeyId },
      details: { scope: 'proxy', limitedBy: 'principal', limit: 2 },
    });
    await admin.delete(`/api/v1/security/rate-limits/${override.body.id}`);
    expect((await bridge.call('/echo')).status).toBe(200);
  });

  it('denies a caller by IP rule behind the trusted proxy, and not without the header', async () => {
    const rule = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '203.0.113.0/24',
      scopes: ['proxy'],
    });
    const path = new URL(bridge.proxyUrl('/echo')).pathname;
    const viaProxy = await rawRequest(`${bridge.relay.url}${path}`, {
      headers: { 'x-api-key': bridge.apiKey, 'x-forwarded-for': '203.0.113.50' },
    });
    expect(viaProxy.status).toBe(403);
    expect(JSON.parse(viaProxy.body.toString()).code).toBe('IP_DENIED');
    const direct = await rawRequest(`${bridge.relay.url}${path}`, {
      headers: { 'x-api-key': bridge.apiKey },
    });
    expect(direct.status).toBe(200);
    const other = await rawRequest(`${bridge.relay.url}${path}`, {
      headers: { 'x-api-key': bridge.apiKey, 'x-forwarded-for': '198.51.100.50' },
    });
    expect(other.status).toBe(200);
    // The agent never saw the refused call.
    expect(
      bridge.upstream.hits.filter((hit) => hit.headers['x-forwarded-for'] === '203.0.113.50'),
    ).toEqual([]);
    await admin.delete(`/api/v1/security/ip-rules/${rule.body.id}`);
  });
});
