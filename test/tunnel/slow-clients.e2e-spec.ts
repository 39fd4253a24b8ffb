import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startBridge, type TestBridge } from '../utils/bridge';

const HEADERS_TIMEOUT_MS = 1_000;
const CHECK_MS = 200;
/** Longer than the head's deadline several times over. */
const STREAM_MS = 3_000;

/** Opens a socket that sends a request head a header line at a time and never ends it. */
function slowloris(url: string): Promise<{ afterMs: number; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket = connect(Number(port), hostname, () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: relay\r\n');
    });
    const trickle = setInterval(() => socket.write(`X-Slow-${Date.now()}: 1\r\n`), 150);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(trickle);
      resolve({ afterMs: Date.now() - started, answer });
    });
  });
}

/** An intranet service whose answer takes STREAM_MS to trickle out. */
async function startTrickleUpstream(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const timer = setInterval(() => {
      res.write(Buffer.alloc(1024, 7));
      sent += 1;
      if (sent * 200 >= STREAM_MS) {
        clearInterval(timer);
        res.end();
      }
    }, 200);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('slow clients', () => {
  let bridge: TestBridge;
  let trickle: Server;

  beforeAll(async () => {
    trickle = await startTrickleUpstream();
    bridge = await startBridge({
      relayEnv: {
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_CONNECTIONS_CHECK_MS: String(CHECK_MS),
      },
      datasources: [
        {
          name: 'trickle',
          type: 'http',
          http: {
            baseUrl: `http://127.0.0.1:${(trickle.address() as AddressInfo).port}`,
            allowedMethods: ['GET'],
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await bridge?.close();
    trickle?.closeAllConnections();
    await new Promise((resolve) => trickle?.close(resolve));
  });

  it('answers 408 and closes sockets that never finish their head, within the deadline plus one check', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => slowloris(bridge.relay.url)),
    );
    for (const { afterMs, answer } of outcomes) {
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS * 0.9);
      // Generous: deadline + check interval, plus scheduling slack on a loaded machine.
      expect(afterMs).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_MS + 1_000);
    }
    expect((await bridge.call('/echo')).status).toBe(200);
  });

  it('lets an upload that streams for longer than the head deadline finish', async () => {
    const started = Date.now();
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        bridge.proxyUrl('/echo'),
        {
          method: 'POST',
          headers: { 'x-api-key': bridge.apiKey, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      let chunks = 0;
      const timer = setInterval(() => {
        req.write(Buffer.alloc(1000, 1));
        chunks += 1;
        if (chunks * 200 >= STREAM_MS) {
          clearInterval(timer);
          req.end();
        }
      }, 200);
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(STREAM_MS);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ bodySize: (STREAM_MS / 200) * 1000 });
  });

  it('lets a download that streams for longer than the head deadline finish', async () => {
    const started = Date.now();
    const response = await fetch(bridge.proxyUrl('/stream', 'trickle'), {
      headers: { 'x-api-key': bridge.apiKey },
    });
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(Date.now() - started).toBeGreaterThanOrEqual(STREAM_MS);
    expect(body.length).toBe((STREAM_MS / 200) * 1024);
  });
});
