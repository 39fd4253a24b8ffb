import { TransferRecorder } from '../../src/relay/transfer-stats/transfer-recorder';
import { MetricsServer } from '../../src/shared/metrics/metrics-server';
import { startBridge, type TestBridge } from '../utils/bridge';
import { Api } from '../utils/identity';
import { eventually, parsePrometheus, type Json } from '../utils/operations';

/**
 * Every call that reached the proxy leaves a transfer record with its code and path, the
 * agent has metrics of its own, and the agent API tells when an agent was last seen.
 */
describe('call records, agent metrics and agent presence', () => {
  let bridge: TestBridge;
  let admin: Api;

  beforeAll(async () => {
    bridge = await startBridge({
      relayEnv: { METRICS_PORT: '0', AUDIT_DENIAL_DEDUP: '0', TRANSFER_FLUSH_INTERVAL_MS: '60000' },
      agentEnv: { METRICS_PORT: '0' },
    });
    admin = new Api(bridge.relay.url).withBearer(bridge.adminToken);
  });
  afterAll(async () => {
    await bridge?.close();
  });

  const scrape = async (app: TestBridge['relay'] | TestBridge['agent']) => {
    const port = app.app.get(MetricsServer).port;
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    return parsePrometheus(await response.text());
  };

  const record = async (requestId: string): Promise<Json> => {
    await bridge.relay.app.get(TransferRecorder).flush();
    const page = await admin.get(
      `/api/v1/transfer-stats/records?agentId=${bridge.agentId}&limit=1000`,
    );
    expect(page.status).toBe(200);
    return (page.body.items as Json[]).find((item) => item.requestId === requestId);
  };

  const call = async (path: string, requestId: string, key = bridge.apiKey, datasource = 'svc') => {
    const response = await fetch(bridge.proxyUrl(path, datasource), {
      headers: { 'x-api-key': key, 'x-request-id': requestId },
    });
    const body = (await response.json().catch(() => ({}))) as { code?: string };
    return { status: response.status, code: body.code, headers: response.headers };
  };

  it('records a grant denial with its code and path (no query), and counts it as a denial', async () => {
    const key = await admin.post('/api/v1/api-keys', { name: 'records-no-grant' });
    const before = await scrape(bridge.relay);
    const refused = await call('/echo/deep?token=secret', 'rec-grant-1', key.body.key);
    expect(refused).toMatchObject({ status: 403, code: 'GRANT_REQUIRED' });
    expect(await record('rec-grant-1')).toMatchObject({
      principal: { type: 'apiKey', id: key.body.id },
      datasource: 'svc',
      operation: 'GET',
      path: '/echo/deep',
      status: 403,
      errorCode: 'GRANT_REQUIRED',
      bytesIn: 0,
    });
    const after = await scrape(bridge.relay);
    const grant = { reason: 'grant', scope: 'proxy' };
    expect(
      after.sum('intrabridge_security_denials_total', grant) -
        before.sum('intrabridge_security_denials_total', grant),
    ).toBe(1);
    const errors = { agent_id: bridge.agentId, status_class: '4xx' };
    expect(
      after.sum('intrabridge_proxy_calls_total', errors) -
        before.sum('intrabridge_proxy_calls_total', errors),
    ).toBe(1);
  });

  it('records a rate-limited call with its code', async () => {
    const override = await admin.post('/api/v1/security/rate-limits', {
      apiKeyId: bridge.apiKeyId,
      maxRequests: 1,
      windowSeconds: 30,
    });
    expect(override.status).toBe(201);
    try {
      await call('/echo', 'rec-rate-0');
      const limited = await call('/echo', 'rec-rate-1');
      expect(limited.status).toBe(429);
      expect(await record('rec-rate-1')).toMatchObject({
        principal: { id: bridge.apiKeyId },
        path: '/echo',
        status: 429,
        errorCode: limited.code,
      });
    } finally {
      await admin.delete(`/api/v1/security/rate-limits/${override.body.id}`);
    }
  });

  it('does not record a call without credentials (no principal to name)', async () => {
    const response = await fetch(bridge.proxyUrl('/echo'), {
      headers: { 'x-request-id': 'rec-anonymous-1' },
    });
    expect(response.status).toBe(401);
    expect(await record('rec-anonymous-1')).toBeUndefined();
  });

  it("records the agent's own error code, which the caller sees only in the body", async () => {
    const missing = await call('/x', 'rec-agent-404', bridge.apiKey, 'ghost');
    expect(missing).toMatchObject({ status: 404, code: 'DATASOURCE_NOT_FOUND' });
    expect(missing.headers.get('x-intrabridge-error-code')).toBeNull();
    expect(await record('rec-agent-404')).toMatchObject({
      datasource: 'ghost',
      path: '/x',
      status: 404,
      errorCode: 'DATASOURCE_NOT_FOUND',
    });
    // An upstream's own error status is its answer, not an error code of the gateway.
    await call('/status/404', 'rec-upstream-404');
    expect(await record('rec-upstream-404')).toMatchObject({ status: 404, errorCode: null });
  });

  it('exports agent metrics: tunnel, calls and errors by datasource and code, bytes, latency', async () => {
    const before = await scrape(bridge.agent);
    expect(before.sum('intrabridge_agent_tunnel_up')).toBe(1);
    expect(before.sum('intrabridge_agent_tunnel_state', { state: 'connected' })).toBe(1);
    expect(before.sum('intrabridge_agent_tunnel_state')).toBe(1);
    expect(before.sum('intrabridge_agent_tunnel_connects_total')).toBe(1);
    const response = await bridge.call('/bytes?size=5000');
    expect((await response.arrayBuffer()).byteLength).toBe(5000);
    await call('/x', 'agent-metrics-ghost', bridge.apiKey, 'ghost-2');
    const after = await scrape(bridge.agent);
    const delta = (name: string, labels: Record<string, string>) =>
      after.sum(name, labels) - before.sum(name, labels);
    expect(
      delta('intrabridge_agent_calls_total', {
        datasource: 'svc',
        status_class: '2xx',
        code: 'none',
      }),
    ).toBe(1);
    expect(
      delta('intrabridge_agent_calls_total', {
        datasource: 'unknown',
        status_class: '4xx',
        code: 'DATASOURCE_NOT_FOUND',
      }),
    ).toBe(1);
    expect(after.samples.some((sample) => sample.labels.datasource === 'ghost-2')).toBe(false);
    expect(delta('intrabridge_agent_bytes_total', { datasource: 'svc', direction: 'out' })).toBe(
      5000,
    );
    expect(delta('intrabridge_agent_upstream_duration_seconds_count', { datasource: 'svc' })).toBe(
      1,
    );
    for (const [name, type] of [
      ['intrabridge_agent_tunnel_rtt_seconds', 'gauge'],
      ['intrabridge_agent_tunnel_reconnects_total', 'counter'],
      ['intrabridge_agent_tunnel_disconnects_total', 'counter'],
      ['intrabridge_agent_streams_in_flight', 'gauge'],
      ['intrabridge_agent_data_log_buffered', 'gauge'],
      ['intrabridge_agent_data_log_written_total', 'counter'],
      ['process_cpu_user_seconds_total', 'counter'],
    ]) {
      expect([name, after.types.get(name)]).toEqual([name, type]);
    }
  });

  it('shows the agent online with lastSeenAt, then offline; the 503 that follows is recorded', async () => {
    const connected = await admin.get(`/api/v1/agents/${bridge.agentId}`);
    expect(connected.body.online).toBe(true);
    const seen = Date.parse(connected.body.lastSeenAt as string);
    expect(Date.now() - seen).toBeLessThan(120_000);
    const listed = await admin.get('/api/v1/agents?limit=100');
    expect(listed.body.items.find((agent: Json) => agent.id === bridge.agentId).online).toBe(true);

    await bridge.agent.close();
    const gone = await eventually(async () => {
      const view = await admin.get(`/api/v1/agents/${bridge.agentId}`);
      return view.body.online === false && Date.parse(view.body.lastSeenAt) > seen && view.body;
    });
    expect(gone.online).toBe(false);
    const offline = await call('/echo', 'rec-offline-1');
    expect(offline).toMatchObject({ status: 503, code: 'AGENT_OFFLINE' });
    expect(await record('rec-offline-1')).toMatchObject({
      path: '/echo',
      status: 503,
      errorCode: 'AGENT_OFFLINE',
    });
  });
});
