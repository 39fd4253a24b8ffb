import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { startBridge, type TestBridge } from '../utils/bridge';
import { json } from '../utils/http';
import { deterministicChunk } from '../utils/test-upstream';

const MIB = 1024 * 1024;

function expectedSha256(size: number): string {
  const hash = createHash('sha256');
  for (let offset = 0; offset < size; offset += MIB) {
    hash.update(deterministicChunk(offset, Math.min(MIB, size - offset)));
  }
  return hash.digest('hex');
}

describe('streaming through the tunnel', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startBridge();
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it('carries 1,000 concurrent calls over one agent connection, each answer to its own caller', async () => {
    const calls = Array.from({ length: 1000 }, async (_, i) => {
      const response = await bridge.call(`/echo?caller=${i}`, {
        method: 'POST',
        body: `body-of-${i}`,
      });
      const echoed = await json(response);
      return { i, status: response.status, echoed };
    });
    const results = await Promise.all(calls);
    for (const { i, status, echoed } of results) {
      expect(status).toBe(200);
      expect(echoed.query).toBe(`caller=${i}`);
      expect(echoed.bodySha256).toBe(createHash('sha256').update(`body-of-${i}`).digest('hex'));
    }
    const session = bridge.relay.app.get(TunnelRegistry).get(bridge.agentId)!;
    expect(session.calls).toBeGreaterThanOrEqual(1000);
    expect(session.streamsInFlight).toBe(0);
  });

  it('downloads 256 MiB byte-exact', async () => {
    const size = 256 * MIB;
    const response = await bridge.call(`/bytes?size=${size}`);
    expect(response.status).toBe(200);
    const hash = createHash('sha256');
    let received = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
    }
    expect(received).toBe(size);
    expect(hash.digest('hex')).toBe(expectedSha256(size));
  });

  it('uploads 256 MiB byte-exact', async () => {
    const size = 256 * MIB;
    const body = Readable.from(
      (function* () {
        for (let offset = 0; offset < size; offset += MIB) yield deterministicChunk(offset, MIB);
      })(),
    );
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        bridge.proxyUrl('/echo'),
        // A fresh connection each: a kept-alive socket the server may close meanwhile would
        // turn its close into this test's failure.
        {
          method: 'PUT',
          agent: false,
          headers: { 'x-api-key': bridge.apiKey, 'content-length': size },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      body.pipe(req);
    });
    const echoed = JSON.parse(answer);
    expect(echoed.bodySize).toBe(size);
    expect(echoed.bodySha256).toBe(expectedSha256(size));
  });

  it('stops the agent when a caller stops reading, keeping the relay buffer bounded', async () => {
    const registry = bridge.relay.app.get(TunnelRegistry);
    const session = registry.get(bridge.agentId)!;
    const window = bridge.relay.config.TUNNEL_STREAM_WINDOW_BYTES;
    const size = 128 * MIB;
    const paused = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      request(
        bridge.proxyUrl(`/bytes?size=${size}`),
        { agent: false, headers: { 'x-api-key': bridge.apiKey } },
        (res) => {
          res.pause();
          resolve(res);
        },
      )
        .on('error', reject)
        .end();
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const inAfterPause = session.stats.bytesIn;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Nothing more crossed the tunnel while the caller was not reading...
    expect(session.stats.bytesIn - inAfterPause).toBeLessThanOrEqual(window);
    expect(session.bufferedAmount).toBeLessThan(bridge.relay.config.TUNNEL_MAX_BUFFERED_BYTES);
    // ...and the calls of others still flow meanwhile.
    const other = await bridge.call('/echo?while=paused');
    expect(other.status).toBe(200);
    await other.arrayBuffer();

    let received = 0;
    paused.on('data', (chunk: Buffer) => (received += chunk.length));
    paused.resume();
    await new Promise((resolve) => paused.on('end', resolve));
    expect(received).toBe(size);
  });
});
