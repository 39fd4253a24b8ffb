import WebSocket from 'ws';
import { encodeFrame, FrameType, PROTOCOL_VERSION } from '../src/shared/protocol';
import { rssBytes } from './proc-stats';

async function api<T>(url: string, token: string | undefined, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Relay memory per idle agent connection: `count` agents connect, say HELLO and stay idle. */
export async function idleAgentMemory(
  relayUrl: string,
  relayPid: number,
  adminToken: string,
  count: number,
): Promise<number> {
  const credentials: Array<{ id: string; secret: string }> = [];
  for (let i = 0; i < count; i++) {
    credentials.push(
      await api(`${relayUrl}/api/v1/agents`, adminToken, {
        name: `idle-${Date.now().toString(36)}-${i}`,
      }),
    );
  }
  const tokens: string[] = [];
  for (const { id, secret } of credentials) {
    tokens.push(
      (
        await api<{ accessToken: string }>(`${relayUrl}/api/v1/agents/token`, undefined, {
          agentId: id,
          secret,
        })
      ).accessToken,
    );
  }
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const before = rssBytes(relayPid);
  const sockets: WebSocket[] = [];
  const hello = encodeFrame({
    type: FrameType.HELLO,
    streamId: 0,
    payload: {
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: 'bench',
      capabilities: [],
      catalog: [{ name: 'svc', type: 'http', operations: ['GET'] }],
    },
  });
  for (const token of tokens) {
    const ws = new WebSocket(`${relayUrl.replace('http', 'ws')}/api/v1/tunnel`, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(hello);
    sockets.push(ws);
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const after = rssBytes(relayPid);
  for (const ws of sockets) ws.terminate();
  return (after - before) / count / 1024;
}
