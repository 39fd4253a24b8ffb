import { connect } from 'node:net';
import { CloseCode, FrameType } from '../../src/shared/protocol';
import { api, registerAgent, startBridge, waitForAgent, type TestBridge } from '../utils/bridge';
import { HostileAgent, reply } from '../utils/hostile-agent';

const FORGED =
  'HTTP/1.1 200 OK\r\nX-Forged: yes\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nforged';

/**
 * Sends raw requests on one keep-alive connection, pipelined, and collects every byte the
 * relay sends until it closes the connection (the last request says `Connection: close`).
 */
function pipelined(relayUrl: string, requests: string[]): Promise<{ raw: string; reset: boolean }> {
  const { hostname, port } = new URL(relayUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let reset = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 10 s; got ${Buffer.concat(chunks).toString('latin1')}`));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => (reset = true));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ raw: Buffer.concat(chunks).toString('latin1'), reset });
    });
    socket.write(requests.join(''));
  });
}

/** The relay's chunked answer to `/next` (the hostile agent's default script). */
const NEXT_ANSWER = '\r\n\r\n2\r\nok\r\n0\r\n\r\n';

/**
 * A broken answer whose head may already have gone out: the connection is cut (the helper
 * resolves on close) with at most that head and part of the body, and the pipelined request
 * behind it is never answered on this connection.
 */
function expectCut(raw: string): void {
  expect(statusLines(raw).length).toBeLessThanOrEqual(1);
  if (raw.length > 0) expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(raw).not.toContain(NEXT_ANSWER);
}

/** Counts the HTTP status lines in raw bytes (bodies here never contain one by accident). */
function statusLines(raw: string): string[] {
  return raw.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [];
}

describe('the relay against a hostile agent', () => {
  let bridge: TestBridge;
  let agent: HostileAgent;
  let agentId: string;

  const rawGet = (path: string, last = false) =>
    `GET /api/v1/proxy/${agentId}/evil${path} HTTP/1.1\r\nHost: relay\r\n` +
    `X-Api-Key: ${bridge.apiKey}\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;

  const call = (path: string, method = 'GET') =>
    fetch(`${bridge.relay.url}/api/v1/proxy/${agentId}/evil${path}`, {
      method,
      headers: { 'x-api-key': bridge.apiKey },
    });

  /** Registers an agent the bridge's API key may call, and connects a hostile one as it. */
  async function hostileAgent(): Promise<{ id: string; agent: HostileAgent }> {
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    await api(bridge.relay.url, '/api/v1/grants', {
      token: bridge.adminToken,
      body: {
        apiKeyId: bridge.apiKeyId,
        agentId: id,
        datasource: '*',
        operations: ['GET', 'HEAD'],
      },
    });
    const connected = await HostileAgent.connect(bridge.relay.url, id, secret);
    await waitForAgent(bridge.relay, id);
    return { id, agent: connected };
  }

  beforeAll(async () => {
    bridge = await startBridge();
    ({ id: agentId, agent } = await hostileAgent());

    agent.script('/smuggle-one-frame', (id) => [
      reply.response(id, 200, { 'content-type': 'text/plain', 'content-length': '5' }),
      reply.data(id, `hello${FORGED}`),
      reply.end(id),
    ]);
    agent.script('/smuggle-later-frame', (id) => [
      reply.response(id, 200, { 'content-type': 'text/plain', 'content-length': '5' }),
      reply.data(id, 'hel'),
      reply.data(id, 'lo'),
      reply.data(id, FORGED),
      reply.end(id),
    ]);
    agent.script('/short', (id) => [
      reply.response(id, 200, { 'content-type': 'text/plain', 'content-length': '100' }),
      reply.data(id, 'only a part'),
      reply.end(id),
    ]);
    agent.script('/exact', (id) => [
      reply.response(id, 200, { 'content-type': 'text/plain', 'Content-Length': '5' }),
      reply.data(id, 'hel'),
      reply.data(id, 'lo'),
      reply.end(id),
    ]);
    agent.script('/bad-length', (id) => [
      reply.response(id, 200, { 'content-type': 'text/plain', 'content-length': ['3', '9'] }),
      reply.data(id, 'chunked anyway'),
      reply.end(id),
    ]);
    agent.script('/head', (id) => [reply.response(id, 200, { 'content-length': '1234' }, true)]);
    agent.script('/switch', (id) => [
      reply.response(id, 101, { upgrade: 'websocket', connection: 'upgrade' }),
      reply.end(id),
    ]);
    agent.script('/early-hints', (id) => [
      reply.response(id, 103, { link: '</x>; rel=preload' }, true),
    ]);
    agent.script('/reset-101', (id) => [reply.reset(id, 101)]);
    agent.script('/reset-200', (id) => [reply.reset(id, 200)]);
    agent.script('/reset-418', (id) => [reply.reset(id, 418)]);
    agent.script('/origin-headers', (id) => [
      reply.response(id, 200, {
        'content-type': 'text/plain',
        'set-cookie': ['session=agent; Path=/', 'other=1'],
        'Set-Cookie2': 'legacy=1',
        'strict-transport-security': 'max-age=63072000; includeSubDomains',
        'alt-svc': 'h3=":443"',
        'clear-site-data': '"*"',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        'www-authenticate': 'Basic realm="relay"',
        'x-request-id': 'forged-id',
        connection: 'x-hop',
        'x-hop': 'per-connection',
        'transfer-encoding': 'chunked',
        'content-security-policy': "default-src 'none'",
        'x-kept': 'yes',
      }),
      reply.data(id, 'body'),
      reply.end(id),
    ]);
  });

  afterAll(async () => {
    await agent?.close();
    await bridge?.close();
  });

  it('never lets body bytes past a declared Content-Length reach a pipelined caller', async () => {
    for (const path of ['/smuggle-one-frame', '/smuggle-later-frame']) {
      const { raw } = await pipelined(bridge.relay.url, [rawGet(path), rawGet('/next', true)]);
      expect(raw).not.toContain('X-Forged');
      expect(raw).not.toContain('forged');
      const lines = statusLines(raw);
      if (path === '/smuggle-one-frame') {
        // Nothing was sent yet: a clean 502, then the next request answered by the relay.
        expect(lines).toEqual([expect.stringMatching(/^HTTP\/1\.1 502/), 'HTTP/1.1 200 OK']);
        expect(raw).toContain('AGENT_BAD_RESPONSE');
        expect(raw.endsWith(NEXT_ANSWER)).toBe(true);
      } else {
        expectCut(raw);
      }
    }
    // The agent is told to stop sending what the relay will not pass on.
    expect([...agent.resets.values()]).toContain('PROTOCOL_ERROR');
  });

  it('cuts a body that ends short of its Content-Length instead of ending it cleanly', async () => {
    const { raw } = await pipelined(bridge.relay.url, [rawGet('/short'), rawGet('/next', true)]);
    expectCut(raw);
    await expect(call('/short').then((response) => response.text())).rejects.toThrow();
  });

  it('keeps a length the body matches, streams a malformed one chunked, and keeps HEAD lengths', async () => {
    const exact = await call('/exact');
    expect(exact.headers.get('content-length')).toBe('5');
    expect(await exact.text()).toBe('hello');
    const chunked = await call('/bad-length');
    expect(chunked.headers.get('content-length')).toBeNull();
    expect(chunked.headers.get('transfer-encoding')).toBe('chunked');
    expect(await chunked.text()).toBe('chunked anyway');
    const head = await call('/head', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('1234');
  });

  it('answers 502 AGENT_BAD_RESPONSE for interim statuses and non-error RESET statuses', async () => {
    for (const path of ['/switch', '/early-hints', '/reset-101', '/reset-200']) {
      const response = await call(path);
      expect({ path, status: response.status }).toEqual({ path, status: 502 });
      expect(response.headers.get('upgrade')).toBeNull();
      expect(await response.json()).toMatchObject({ statusCode: 502, code: 'AGENT_BAD_RESPONSE' });
    }
    // An error status on a RESET is still the agent's to choose.
    expect((await call('/reset-418')).status).toBe(418);
  });

  it('drops headers that act on the relay origin or the connection, keeps the rest', async () => {
    const response = await call('/origin-headers');
    expect(response.status).toBe(200);
    for (const name of [
      'set-cookie',
      'set-cookie2',
      'strict-transport-security',
      'alt-svc',
      'clear-site-data',
      'access-control-allow-origin',
      'access-control-allow-credentials',
      'www-authenticate',
      'x-hop',
    ]) {
      expect({ name, value: response.headers.get(name) }).toEqual({ name, value: null });
    }
    expect(response.headers.get('x-request-id')).not.toBe('forged-id');
    expect(response.headers.get('x-kept')).toBe('yes');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(await response.text()).toBe('body');
  });

  it("declares AGENT_BAD_RESPONSE among the proxy routes' errors in the OpenAPI document", async () => {
    const document = (await (await fetch(`${bridge.relay.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const proxyRoutes = Object.entries(document.paths).filter(([path]) =>
      path.startsWith('/api/v1/proxy/'),
    );
    expect(proxyRoutes.length).toBeGreaterThan(0);
    for (const [, operations] of proxyRoutes) {
      for (const operation of Object.values(operations)) {
        expect(operation.responses['502'].description).toContain('AGENT_BAD_RESPONSE');
      }
    }
  });

  it.each([
    ['a fractional status', { status: 200.5, headers: {} }],
    ['a status beyond 599', { status: 600, headers: {} }],
    ['a header value with CR LF', { status: 200, headers: { 'x-a': 'a\r\nSet-Cookie: s=1' } }],
    ['an invalid header name', { status: 200, headers: { 'bad name': 'x' } }],
  ])('closes a tunnel whose RESPONSE has %s; the caller gets a 502', async (_label, payload) => {
    const other = await hostileAgent();
    other.agent.script('/bad', (id) => [reply.rawJson(FrameType.RESPONSE, id, payload)]);
    const response = await fetch(`${bridge.relay.url}/api/v1/proxy/${other.id}/evil/bad`, {
      headers: { 'x-api-key': bridge.apiKey },
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.json()).toMatchObject({ code: 'AGENT_DISCONNECTED' });
    expect(await other.agent.closed).toBe(CloseCode.PROTOCOL_ERROR);
  });

  it('keeps serving the hostile agent and the honest one afterwards', async () => {
    const fine = await call('/anything');
    expect(fine.status).toBe(200);
    expect(await fine.text()).toBe('ok');
    expect((await bridge.call('/echo')).status).toBe(200);
  });
});
