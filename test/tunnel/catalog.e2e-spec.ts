import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { adminClient } from '../utils/agent-admin';
import { api, startBridge, type TestBridge } from '../utils/bridge';

interface CatalogView {
  online: boolean;
  reportedAt: string | null;
  datasources: Array<{ name: string; type: string; operations: string[] }>;
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the relay's view of an agent's datasources", () => {
  let bridge: TestBridge;
  const catalog = () =>
    api<CatalogView>(bridge.relay.url, `/api/v1/agents/${bridge.agentId}/datasources`, {
      token: bridge.adminToken,
    });
  const names = (view: CatalogView) => view.datasources.map((d) => d.name).sort();

  beforeAll(async () => {
    bridge = await startBridge();
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it('follows datasource changes on the agent at once, without reconnecting', async () => {
    const sessionId = bridge.relay.app.get(TunnelRegistry).get(bridge.agentId)!.id;
    expect(await catalog()).toMatchObject({
      online: true,
      datasources: [{ name: 'svc', type: 'http' }],
    });
    const admin = adminClient(bridge.agent);
    const root = await mkdtemp(join(tmpdir(), 'ib-files-'));
    const created = await admin.post('/api/v1/datasources', {
      name: 'docs',
      type: 'file',
      description: 'shared documents',
      file: { root },
    });
    expect(created.status).toBe(201);
    const withDocs = await eventually(catalog, (view) => names(view).includes('docs'));
    expect(withDocs.datasources.find((d) => d.name === 'docs')).toEqual({
      name: 'docs',
      type: 'file',
      description: 'shared documents',
      operations: ['GET', 'HEAD'],
    });
    expect(JSON.stringify(withDocs)).not.toContain(root);

    expect((await admin.post('/api/v1/datasources/docs/disable')).status).toBeLessThan(300);
    await eventually(catalog, (view) => !names(view).includes('docs'));
    expect(bridge.relay.app.get(TunnelRegistry).get(bridge.agentId)!.id).toBe(sessionId);
  });

  it('reconnects when the connection settings change', async () => {
    const registry = bridge.relay.app.get(TunnelRegistry);
    const before = registry.get(bridge.agentId)!.id;
    const put = await adminClient(bridge.agent).put('/api/v1/connection', {
      relayUrl: bridge.relay.url,
      agentId: bridge.agentId,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
    });
    expect(put.status).toBe(200);
    await eventually(
      async () => registry.get(bridge.agentId)?.id,
      (id) => id !== undefined && id !== before,
    );
    const status = await adminClient(bridge.agent).get('/api/v1/connection/status');
    expect(status.body).toMatchObject({ state: 'connected', connects: 2, agentId: bridge.agentId });
  });

  it('keeps the last known catalog while the agent is offline', async () => {
    await bridge.agent.close();
    const offline = await eventually(catalog, (view) => !view.online);
    expect(names(offline)).toEqual(['svc']);
    expect(offline.reportedAt).not.toBeNull();
  });
});
