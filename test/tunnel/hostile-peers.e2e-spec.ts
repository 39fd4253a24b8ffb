import { randomBytes } from 'node:crypto';
import { CloseCode, FrameType, type PingFrame } from '../../src/shared/protocol';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { adminClient } from '../utils/agent-admin';
import { api, startBridge, waitForAgent, type TestBridge } from '../utils/bridge';
import { connectRawPeer, type RawTunnelPeer } from '../utils/raw-tunnel-peer';

const HEARTBEAT_MS = 1_000;
/** The documented bound: a peer silent for 2.5 heartbeat periods is dropped. */
const DEAD_AFTER_MS = 2.5 * HEARTBEAT_MS;

describe('tunnel peers that flood or fall silent', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startBridge({
      relayEnv: {
        TUNNEL_HEARTBEAT_MS: String(HEARTBEAT_MS),
        TUNNEL_MAX_FRAMES_PER_S: '1000',
        // Bursts of 50; the real agent's heartbeats use 2 a second of it.
        TUNNEL_MAX_CONTROL_FRAMES_PER_S: '5',
      },
    });
  });
  afterAll(async () => {
    await bridge?.close();
  });

  async function readyPeer(): Promise<RawTunnelPeer> {
    const peer = await connectRawPeer(bridge.relay.url, bridge.adminToken);
    const acked = peer.next(FrameType.HELLO_ACK);
    peer.hello();
    await acked;
    await waitForAgent(bridge.relay, peer.agentId);
    return peer;
  }

  it('closes a peer flooding PINGs with 1008 after a bounded number of PONGs, and serves others', async () => {
    const peer = await readyPeer();
    for (let i = 0; i < 20_000 && peer.ws.readyState === peer.ws.OPEN; i++) {
      peer.send({ type: FrameType.PING, streamId: 0, payload: randomBytes(8) });
    }
    expect(await peer.closed).toBe(CloseCode.POLICY_VIOLATION);
    const pongs = peer.received.filter((frame) => frame.type === FrameType.PONG).length;
    // The suite's control budget: a burst of 50, then 5 a second.
    expect(pongs).toBeLessThanOrEqual(60);
    expect((await bridge.call('/echo')).status).toBe(200);
  });

  it('closes a peer flooding WebSocket pings with 1008', async () => {
    const peer = await readyPeer();
    for (let i = 0; i < 5_000 && peer.ws.readyState === peer.ws.OPEN; i++) peer.ws.ping();
    expect(await peer.closed).toBe(CloseCode.POLICY_VIOLATION);
    expect((await bridge.call('/echo')).status).toBe(200);
  });

  it('closes a peer flooding CATALOG frames with 1008', async () => {
    const peer = await readyPeer();
    for (let i = 0; i < 5_000 && peer.ws.readyState === peer.ws.OPEN; i++) {
      peer.send({ type: FrameType.CATALOG, streamId: 0, payload: { catalog: [] } });
    }
    expect(await peer.closed).toBe(CloseCode.POLICY_VIOLATION);
    expect((await bridge.call('/echo')).status).toBe(200);
  });

  it('closes a peer flooding empty DATA frames on a call it serves with 1008; the call is cut', async () => {
    const peer = await readyPeer();
    await api(bridge.relay.url, '/api/v1/grants', {
      token: bridge.adminToken,
      body: {
        apiKeyId: bridge.apiKeyId,
        agentId: peer.agentId,
        datasource: '*',
        operations: ['GET'],
      },
    });
    const opened = peer.next(FrameType.OPEN);
    const call = fetch(`${bridge.relay.url}/api/v1/proxy/${peer.agentId}/any/x`, {
      headers: { 'x-api-key': bridge.apiKey },
    });
    const { streamId } = await opened;
    peer.send({
      type: FrameType.RESPONSE,
      streamId,
      endStream: false,
      payload: { status: 200, headers: {} },
    });
    // The caller sees the head with the first body bytes.
    peer.send({ type: FrameType.DATA, streamId, endStream: false, payload: Buffer.from('x') });
    const response = await call;
    const body = response.arrayBuffer().then(
      () => 'complete',
      () => 'cut',
    );
    // The suite's budget is 1,000 frames a second with bursts of 2,000.
    for (let i = 0; i < 20_000 && peer.ws.readyState === peer.ws.OPEN; i++) {
      peer.send({ type: FrameType.DATA, streamId, endStream: false, payload: Buffer.alloc(0) });
      if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await peer.closed).toBe(CloseCode.POLICY_VIOLATION);
    expect(await body).toBe('cut');
    expect((await bridge.call('/echo')).status).toBe(200);
  });

  it('keeps a real agent whose datasources change in a burst within the control budget', async () => {
    const registry = bridge.relay.app.get(TunnelRegistry);
    const sessionId = registry.get(bridge.agentId)!.id;
    const admin = adminClient(bridge.agent);
    const names = Array.from({ length: 80 }, (_, i) => `burst-${i}`);
    for (let i = 0; i < names.length; i += 10) {
      const created = await Promise.all(
        names.slice(i, i + 10).map((name) =>
          admin.post('/api/v1/datasources', {
            name,
            type: 'http',
            http: { baseUrl: bridge.upstream.url, allowedMethods: ['GET'] },
          }),
        ),
      );
      for (const { status } of created) expect(status).toBe(201);
    }
    const deadline = Date.now() + 10_000;
    while (registry.get(bridge.agentId)?.catalog.length !== names.length + 1) {
      if (Date.now() > deadline) throw new Error('catalog did not follow');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(registry.get(bridge.agentId)?.id).toBe(sessionId);
  });

  it(`drops a silent peer ${DEAD_AFTER_MS} ms after the last frame it sent, not a beat later`, async () => {
    const peer = await readyPeer();
    // Answer one heartbeat at once, then fall silent: the last frame lands just after a
    // beat, the phase in which a once-a-beat check overshoots by almost a whole period.
    const ping = await peer.next(FrameType.PING);
    peer.send({ type: FrameType.PONG, streamId: 0, payload: (ping as PingFrame).payload });
    const silentSince = Date.now();
    peer.ws.removeAllListeners('ping');
    await peer.closed;
    const detectedAfter = Date.now() - silentSince;
    expect(detectedAfter).toBeGreaterThanOrEqual(DEAD_AFTER_MS * 0.95);
    expect(detectedAfter).toBeLessThan(DEAD_AFTER_MS * 1.1);
  });
});
