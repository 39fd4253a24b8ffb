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

  it.each([
    ['overlong dots', '/%c0%ae%c0%ae/etc'],
    ['overlong slash', '/a%c0%afb'],
    ['lone continuation byte', '/a%80b'],
    ['0xff', '/a%ffb'],
    ['UTF-16 surrogate', '/a%ed%a0%80b'],
  ])('refuses a path with %s (400 INVALID_PATH); the upstream never sees it', async (_, path) => {
    const hits = bridge.upstream.hits.length;
    const response = await rawRequest(bridge.proxyUrl(path), {
      headers: { 'x-api-key': bridge.apiKey },
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body.toString())).toMatchObject({ code: 'INVALID_PATH' });
    expect(bridge.upstream.hits.length).toBe(hits);
  });

  it('sends the upstream the normalised path it checked', async () => {
    const response = await rawRequest(bridge.proxyUrl('/%65%63ho/caf%c3%a9'), {
      headers: { 'x-api-key': bridge.apiKey },
    });
    expect(response.status).toBe(200);
    expect(bridge.upstream.hits.at(-1)?.url).toBe('/echo/caf%C3%A9');
  });

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

  async function admin<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${bridge.relay.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await json(response)) as T;
  }

  it('answers 503 AGENT_OFFLINE to a caller granted on a known agent that is offline', async () => {
    const { id } = await admin<{ id: string }>('/api/v1/agents', { name: 'never-connected' });
    await admin('/api/v1/grants', {
      apiKeyId: bridge.apiKeyId,
      agentId: id,
      datasource: 'svc',
      operations: ['GET'],
    });
    const offline = await fetch(`${bridge.relay.url}/api/v1/proxy/${id}/svc/echo`, {
      headers: { 'x-api-key': bridge.apiKey },
    });
    expect(offline.status).toBe(503);
    expect((await json(offline)).code).toBe('AGENT_OFFLINE');
  });

  it('tells a caller without a grant nothing: the same 403 for online, offline, unknown agents and datasources', async () => {
    const { id: offlineId } = await admin<{ id: string }>('/api/v1/agents', {
      name: 'offline-agent',
    });
    const { key } = await admin<{ key: string }>('/api/v1/api-keys', { name: 'no-grants-probe' });
    const targets = [
      `${bridge.agentId}/svc/echo`, // online
      `${bridge.agentId}/no-such-datasource/echo`, // online, unknown datasource
      `${offlineId}/svc/echo`, // offline
      `00000000-0000-4000-8000-000000000000/svc/echo`, // never existed
    ];
    const answers = [];
    for (const target of targets) {
      const response = await fetch(`${bridge.relay.url}/api/v1/proxy/${target}`, {
        headers: { 'x-api-key': key },
      });
      const { code, statusCode, message } = await json(response);
      answers.push({ status: response.status, code, statusCode, message });
    }
    const first = { status: 403, code: 'GRANT_REQUIRED', statusCode: 403 };
    for (const answer of answers) expect(answer).toMatchObject(first);
    // Only the datasource name differs, and it is the caller's own input.
    expect(new Set(answers.map((a) => a.message.replace(/ on \S+$/, '')))).toEqual(
      new Set(['No grant for GET']),
    );
  });

  it('declares the shutdown codes in the OpenAPI document of the proxy routes', async () => {
    const doc = await json(await fetch(`${bridge.relay.url}/docs-json`));
    const route = Object.keys(doc.paths).find((path) => path.startsWith('/api/v1/proxy/'))!;
    const described = JSON.stringify(doc.paths[route]);
    for (const code of ['RELAY_DRAINING', 'RELAY_SHUTDOWN', 'GRANT_REQUIRED', 'AGENT_OFFLINE']) {
      expect(described).toContain(code);
    }
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
