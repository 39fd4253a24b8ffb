import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatasourceDispatcher } from '../../src/agent/datasources/datasource-dispatcher';
import { adminClient, ADMIN_TOKEN } from '../utils/agent-admin';
import { makeCall, readReply, type CallOptions } from '../utils/datasource-calls';
import { TestUpstream } from '../utils/test-upstream';
import { MemoryProbe } from '../utils/memory-probe';
import { startAgent, type RunningApp } from '../utils/test-apps';

const MiB = 1024 * 1024;

describe('http datasource', () => {
  let agent: RunningApp<unknown>;
  let intranet: TestUpstream;
  let dispatcher: DatasourceDispatcher;
  const call = async (options: Omit<CallOptions, 'datasource'> & { datasource?: string }) =>
    dispatcher.dispatch(makeCall({ datasource: 'crm', ...options }));

  beforeAll(async () => {
    intranet = await new TestUpstream().start();
    agent = await startAgent({ AGENT_ADMIN_TOKEN: ADMIN_TOKEN });
    dispatcher = agent.app.get(DatasourceDispatcher);
    const admin = adminClient(agent);
    const created = await admin.post('/api/v1/datasources', {
      name: 'crm',
      type: 'http',
      http: {
        baseUrl: `${intranet.url}/svc/`,
        allowedMethods: ['GET', 'HEAD', 'POST'],
        allowedPathPrefixes: ['/api/'],
        injectHeaders: { 'X-Service-Key': 'intranet-secret' },
        timeoutMs: 500,
        maxBodyBytes: 1024,
      },
    });
    expect(created.status).toBe(201);
    const bulk = await admin.post('/api/v1/datasources', {
      name: 'bulk',
      type: 'http',
      http: {
        baseUrl: `${intranet.url}/svc`,
        allowedMethods: ['GET', 'POST'],
        maxBodyBytes: 512 * MiB,
        timeoutMs: 30_000,
      },
    });
    expect(bulk.status).toBe(201);
  });
  afterAll(async () => {
    await agent?.close();
    await intranet?.stop();
  });

  it('forwards method, path under the base URL, query, body and filtered headers', async () => {
    const reply = await readReply(
      await call({
        method: 'POST',
        path: '/api/orders/42',
        query: 'expand=lines&x=%20y',
        headers: {
          'content-type': 'text/plain',
          'content-length': '5',
          accept: 'application/json',
          'x-custom': 'kept',
          'x-service-key': 'caller-forgery',
          authorization: 'Bearer relay-token',
          cookie: 'relay=1',
          'x-api-key': 'relay-key',
          'x-forwarded-for': '6.6.6.6',
          connection: 'x-hop',
          'x-hop': 'dropped',
        },
        body: 'hello',
        requestId: 'relay-req-1',
      }),
    );
    expect(reply.status).toBe(200);
    const seen = reply.json();
    expect(seen).toMatchObject({
      method: 'POST',
      path: '/svc/api/orders/42',
      query: 'expand=lines&x=%20y',
      bodySize: 5,
      bodySha256: createHash('sha256').update('hello').digest('hex'),
    });
    expect(seen.headers).toMatchObject({
      'content-type': 'text/plain',
      accept: 'application/json',
      'x-custom': 'kept',
      'x-service-key': 'intranet-secret',
      'x-request-id': 'relay-req-1',
      host: new URL(intranet.url).host,
    });
    for (const dropped of ['authorization', 'cookie', 'x-api-key', 'x-forwarded-for', 'x-hop']) {
      expect(seen.headers).not.toHaveProperty(dropped);
    }
    expect(reply.headers['x-upstream']).toBe('echo');
    expect(reply.headers['content-type']).toBe('application/json');
    for (const dropped of ['set-cookie', 'server', 'connection', 'keep-alive']) {
      expect(reply.headers).not.toHaveProperty(dropped);
    }
  });

  it('answers HEAD without a body', async () => {
    const reply = await call({ method: 'HEAD', path: '/api/orders' });
    expect(reply.status).toBe(200);
    expect(reply.body).toBeNull();
  });

  describe('refusals never reach the intranet', () => {
    const refused: Array<[string, CallOptions | Partial<CallOptions>, number, string]> = [
      ['dot-dot', { path: '/api/../admin' }, 400, 'INVALID_PATH'],
      ['dot', { path: '/api/./x' }, 400, 'INVALID_PATH'],
      ['trailing dot-dot', { path: '/api/..' }, 400, 'INVALID_PATH'],
      ['encoded dots', { path: '/api/%2e%2e/admin' }, 400, 'INVALID_PATH'],
      ['upper-case encoded dots', { path: '/api/%2E%2E/admin' }, 400, 'INVALID_PATH'],
      ['half-encoded dots', { path: '/api/.%2e/admin' }, 400, 'INVALID_PATH'],
      ['encoded slash', { path: '/api/..%2fadmin' }, 400, 'INVALID_PATH'],
      ['encoded backslash', { path: '/api/..%5cadmin' }, 400, 'INVALID_PATH'],
      ['double encoding', { path: '/api/%252e%252e/admin' }, 400, 'INVALID_PATH'],
      ['servlet path parameter', { path: '/api/..;/admin' }, 400, 'INVALID_PATH'],
      ['backslashes', { path: '/api\\..\\admin' }, 400, 'INVALID_PATH'],
      ['absolute URL', { path: 'http://evil.example/api/x' }, 400, 'INVALID_PATH'],
      ['scheme-relative URL', { path: '//evil.example/api/x' }, 400, 'INVALID_PATH'],
      ['NUL', { path: '/api/x\u0000y' }, 400, 'INVALID_PATH'],
      ['encoded NUL', { path: '/api/x%00y' }, 400, 'INVALID_PATH'],
      ['CR/LF', { path: '/api/x\r\nHost: evil' }, 400, 'INVALID_PATH'],
      ['encoded CR/LF', { path: '/api/x%0d%0aHost:%20evil' }, 400, 'INVALID_PATH'],
      ['CR/LF in the query', { path: '/api/x', query: 'a=1\r\nX: y' }, 400, 'INVALID_PATH'],
      ['fragment in the query', { path: '/api/x', query: 'a=1#b' }, 400, 'INVALID_PATH'],
      ['empty segment', { path: '/api//x' }, 400, 'INVALID_PATH'],
      ['path outside the prefixes', { path: '/admin' }, 403, 'PATH_NOT_ALLOWED'],
      ['prefix look-alike', { path: '/apix/y' }, 403, 'PATH_NOT_ALLOWED'],
      ['prefix itself without slash', { path: '/api' }, 403, 'PATH_NOT_ALLOWED'],
      ['method not allowed', { method: 'DELETE', path: '/api/x' }, 405, 'METHOD_NOT_ALLOWED'],
      ['lower-case method', { method: 'put', path: '/api/x' }, 405, 'METHOD_NOT_ALLOWED'],
      [
        'declared body over the limit',
        { method: 'POST', path: '/api/x', headers: { 'content-length': '2048' } },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'malformed Content-Length',
        { method: 'POST', path: '/api/x', headers: { 'content-length': '1, 2' } },
        400,
        'INVALID_HEADERS',
      ],
      ['unknown datasource', { datasource: 'nope', path: '/api/x' }, 404, 'DATASOURCE_NOT_FOUND'],
    ];

    let connectionsBefore = 0;
    let hitsBefore = 0;
    beforeAll(() => {
      connectionsBefore = intranet.connections;
      hitsBefore = intranet.hits.length;
    });
    afterAll(() => {
      expect(intranet.hits.length).toBe(hitsBefore);
      expect(intranet.connections).toBe(connectionsBefore);
    });

    it.each(refused)('%s', async (_label, options, status, code) => {
      const reply = await readReply(await call({ requestId: 'refused-1', ...options }));
      expect(reply.status).toBe(status);
      expect(reply.json()).toMatchObject({ statusCode: status, code, requestId: 'refused-1' });
      if (status === 405) expect(reply.headers.allow).toBe('GET, HEAD, POST');
      expect(intranet.hits.length).toBe(hitsBefore);
      expect(intranet.connections).toBe(connectionsBefore);
    });
  });

  it('passes same-origin redirects under the base path as relative references', async () => {
    const same = await readReply(await call({ path: '/api/redirect/same' }));
    expect(same.status).toBe(302);
    expect(same.headers.location).toBe('../target?x=1');
    const absolute = await readReply(await call({ path: '/api/redirect/absolute' }));
    expect(absolute.headers.location).toBe('../deeper/target');
  });

  it.each(['off', 'outside'])('refuses a redirect %s the datasource', async (target) => {
    const reply = await readReply(await call({ path: `/api/redirect/${target}` }));
    expect(reply.status).toBe(502);
    expect(reply.json().code).toBe('UPSTREAM_REDIRECT_REFUSED');
    expect(reply.headers).not.toHaveProperty('location');
  });

  it('stops a streamed body at maxBodyBytes with 413', async () => {
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 10; i++) yield Buffer.alloc(512, 1);
      })(),
    );
    const reply = await readReply(await call({ method: 'POST', path: '/api/upload', body }));
    expect(reply.status).toBe(413);
    expect(reply.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 504 UPSTREAM_TIMEOUT when the intranet does not answer in time', async () => {
    const started = Date.now();
    const reply = await readReply(await call({ path: '/api/hang' }));
    expect(reply.status).toBe(504);
    expect(reply.json().code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('aborts the upstream request when the call is cancelled', async () => {
    const controller = new AbortController();
    const abortedBefore = intranet.aborted;
    const pending = call({ path: '/api/hang', signal: controller.signal });
    await sleep(100);
    controller.abort();
    const reply = await readReply(await pending);
    expect(reply.status).toBe(499);
    expect(reply.json().code).toBe('CANCELLED');
    await waitFor(() => intranet.aborted > abortedBefore);
  });

  it('answers 502 UPSTREAM_UNREACHABLE when nothing listens', async () => {
    const admin = adminClient(agent);
    await admin.post('/api/v1/datasources', {
      name: 'down',
      type: 'http',
      http: { baseUrl: 'http://127.0.0.1:1' },
    });
    const reply = await readReply(await call({ datasource: 'down', path: '/x' }));
    expect(reply.status).toBe(502);
    expect(reply.json()).toMatchObject({ code: 'UPSTREAM_UNREACHABLE' });
  });

  it('streams 256 MiB down and 64 MiB up with bounded memory', async () => {
    const size = 256 * MiB;
    const probe = new MemoryProbe();
    const reply = await call({ datasource: 'bulk', path: '/api/big', query: `size=${size}` });
    expect(reply.status).toBe(200);
    let received = 0;
    let chunks = 0;
    for await (const chunk of reply.body!) {
      received += (chunk as Buffer).length;
      if (++chunks % 64 === 0) await sleep(1);
    }
    expect(received).toBe(size);

    const upload = 64 * MiB;
    const hash = createHash('sha256');
    const source = Readable.from(
      (function* () {
        const piece = Buffer.alloc(64 * 1024, 3);
        for (let sent = 0; sent < upload; sent += piece.length) {
          hash.update(piece);
          yield piece;
        }
      })(),
      { objectMode: false },
    );
    const echoed = await readReply(
      await call({ datasource: 'bulk', method: 'POST', path: '/api/upload', body: source }),
    );
    expect(echoed.json()).toMatchObject({ bodySize: upload, bodySha256: hash.digest('hex') });
    const growth = probe.stop();
    expect(growth.heapMiB).toBeLessThan(16);
    expect(growth.rssMiB).toBeLessThan(160);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
