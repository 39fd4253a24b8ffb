import { createHash } from 'node:crypto';
import { startBridge, type TestBridge } from '../utils/bridge';
import { json, rawRequest } from '../utils/http';

describe('proxy through the tunnel', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startBridge();
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it.each(['GET', 'DELETE'])('forwards %s with path, query and headers', async (method) => {
    const response = await bridge.call('/echo?a=1&b=two', {
      method,
      headers: { 'x-custom': 'yes', 'x-request-id': 'trace-abc' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-abc');
    expect(response.headers.get('x-upstream')).toBe('echo');
    const echoed = await json(response);
    expect(echoed).toMatchObject({ method, path: '/echo', query: 'a=1&b=two', bodySize: 0 });
    expect(echoed.headers['x-custom']).toBe('yes');
  });

  it.each(['POST', 'PUT', 'PATCH'])(
    'streams a %s body to the upstream byte for byte',
    async (method) => {
      const body = Buffer.from(JSON.stringify({ hello: 'intranet', n: [1, 2, 3] }));
      const response = await bridge.call('/echo', {
        method,
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(200);
      expect(await json(response)).toMatchObject({
        method,
        bodySize: body.length,
        bodySha256: createHash('sha256').update(body).digest('hex'),
      });
    },
  );

  it("never forwards the caller's credentials or hop-by-hop headers", async () => {
    const response = await rawRequest(bridge.proxyUrl('/echo'), {
      headers: {
        'x-api-key': bridge.apiKey,
        cookie: 'relay=secret',
        'proxy-authorization': 'Basic x',
        connection: 'keep-alive, x-drop',
        'x-drop': '1',
      },
    });
    expect(response.status).toBe(200);
    const { headers } = JSON.parse(response.body.toString());
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers['x-drop']).toBeUndefined();
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent and 503 AGENT_OFFLINE for a known one offline', async () => {
    const unknown = await fetch(
      `${bridge.relay.url}/api/v1/proxy/00000000-0000-4000-8000-000000000000/svc/echo`,
      { headers: { 'x-api-key': bridge.apiKey } },
    );
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).code).toBe('AGENT_NOT_FOUND');
    const created = await fetch(`${bridge.relay.url}/api/v1/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'never-connected' }),
    });
    const { id } = await json(created);
    const offline = await fetch(`${bridge.relay.url}/api/v1/proxy/${id}/svc/echo`, {
      headers: { 'x-api-key': bridge.apiKey },
    });
    expect(offline.status).toBe(503);
    expect((await json(offline)).code).toBe('AGENT_OFFLINE');
  });

  it('refuses a caller without credentials (401) and without a grant (403 GRANT_REQUIRED)', async () => {
    expect((await fetch(bridge.proxyUrl('/echo'))).status).toBe(401);
    const key = await fetch(`${bridge.relay.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'no-grants' }),
    });
    const ungranted = await fetch(bridge.proxyUrl('/echo'), {
      headers: { 'x-api-key': (await json(key)).key },
    });
    expect(ungranted.status).toBe(403);
    expect((await json(ungranted)).code).toBe('GRANT_REQUIRED');
  });
});
