import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { CloseCode, encodeFrame, FrameType, PROTOCOL_VERSION } from '../../src/shared/protocol';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { api, registerAgent, startBridge, waitForAgent, type TestBridge } from '../utils/bridge';

interface UpgradeOutcome {
  status?: number;
  body?: string;
  ws?: WebSocket;
}

/** Opens the tunnel WebSocket the way an agent would; reports a refused upgrade's status. */
function connect(relayUrl: string, token?: string): Promise<UpgradeOutcome> {
  const url = `${relayUrl.replace(/^http/, 'ws')}/api/v1/tunnel`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function hello(ws: WebSocket): void {
  ws.send(
    encodeFrame({
      type: FrameType.HELLO,
      streamId: 0,
      payload: {
        protocolVersion: PROTOCOL_VERSION,
        agentVersion: 'test',
        capabilities: [],
        catalog: [],
      },
    }),
  );
}

async function agentToken(relayUrl: string, agentId: string, secret: string): Promise<string> {
  const { accessToken } = await api<{ accessToken: string }>(relayUrl, '/api/v1/agents/token', {
    body: { agentId, secret },
  });
  return accessToken;
}

describe('tunnel upgrade and session control', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startBridge({ relayEnv: { AGENT_TOKEN_TTL: '2' } });
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it('refuses a missing, malformed, foreign or expired token with 401, before any WebSocket', async () => {
    expect((await connect(bridge.relay.url)).status).toBe(401);
    expect((await connect(bridge.relay.url, 'not-a-jwt')).status).toBe(401);
    // A user's access token is not an agent token.
    const refused = await connect(bridge.relay.url, bridge.adminToken);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body!)).toMatchObject({ statusCode: 401, code: expect.any(String) });
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    const token = await agentToken(bridge.relay.url, id, secret);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await connect(bridge.relay.url, token)).status).toBe(401);
  });

  it('refuses a token issued before the secret was rotated', async () => {
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    const token = await agentToken(bridge.relay.url, id, secret);
    await api(bridge.relay.url, `/api/v1/agents/${id}/rotate-secret`, {
      method: 'POST',
      token: bridge.adminToken,
    });
    expect((await connect(bridge.relay.url, token)).status).toBe(401);
  });

  it('closes a protocol violator with 1002 and keeps serving other agents', async () => {
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    for (const garbage of [
      randomBytes(64),
      Buffer.from([FrameType.DATA, 0, 0, 0, 0, 0, 1]),
      'text',
    ]) {
      const { ws } = await connect(
        bridge.relay.url,
        await agentToken(bridge.relay.url, id, secret),
      );
      const code = closed(ws!);
      ws!.send(garbage);
      expect(await code).toBe(CloseCode.PROTOCOL_ERROR);
      expect((await bridge.call('/echo')).status).toBe(200);
    }
    // Out of order after a valid HELLO: DATA for a stream the relay never opened.
    const { ws } = await connect(bridge.relay.url, await agentToken(bridge.relay.url, id, secret));
    hello(ws!);
    await waitForAgent(bridge.relay, id);
    const code = closed(ws!);
    ws!.send(Buffer.from([FrameType.DATA, 0, 0, 0, 0, 9, 1, 2, 3]));
    expect(await code).toBe(CloseCode.PROTOCOL_ERROR);
    expect((await bridge.call('/echo')).status).toBe(200);
  });

  it('closes an incompatible protocol version with 4003', async () => {
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    const { ws } = await connect(bridge.relay.url, await agentToken(bridge.relay.url, id, secret));
    const code = closed(ws!);
    ws!.send(
      encodeFrame({
        type: FrameType.HELLO,
        streamId: 0,
        payload: {
          protocolVersion: PROTOCOL_VERSION + 1,
          agentVersion: 'future',
          capabilities: [],
          catalog: [],
        },
      }),
    );
    expect(await code).toBe(CloseCode.INCOMPATIBLE_VERSION);
  });

  it('replaces an older session of the same agent (4000) and cuts a disabled agent at once (4002)', async () => {
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    const first = (await connect(bridge.relay.url, await agentToken(bridge.relay.url, id, secret)))
      .ws!;
    hello(first);
    await waitForAgent(bridge.relay, id);
    const firstClosed = closed(first);
    const second = (await connect(bridge.relay.url, await agentToken(bridge.relay.url, id, secret)))
      .ws!;
    hello(second);
    expect(await firstClosed).toBe(CloseCode.REPLACED_BY_NEW_SESSION);
    await waitForAgent(bridge.relay, id);

    const secondClosed = closed(second);
    await api(bridge.relay.url, `/api/v1/agents/${id}/disable`, {
      method: 'POST',
      token: bridge.adminToken,
    });
    expect(await secondClosed).toBe(CloseCode.AGENT_DISABLED);
    expect(bridge.relay.app.get(TunnelRegistry).get(id)).toBeUndefined();
  });

  it('drops a connection that never says HELLO only after the handshake timeout, not at once', async () => {
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    const { ws } = await connect(bridge.relay.url, await agentToken(bridge.relay.url, id, secret));
    expect(ws!.readyState).toBe(WebSocket.OPEN);
    expect(bridge.relay.app.get(TunnelRegistry).get(id)).toBeUndefined();
    ws!.close();
  });
});
