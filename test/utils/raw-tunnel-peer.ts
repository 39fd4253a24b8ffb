import WebSocket from 'ws';
import {
  DEFAULT_MAX_FRAME_SIZE,
  decodeFrame,
  encodeFrame,
  FrameType,
  PROTOCOL_VERSION,
  type Frame,
} from '../../src/shared/protocol';
import { api, registerAgent } from './bridge';

/** A hand-written agent: a raw `ws` client speaking the tunnel protocol as a test dictates. */
export interface RawTunnelPeer {
  agentId: string;
  ws: WebSocket;
  /** Every frame the relay sent, decoded, in order. */
  received: Frame[];
  /** Resolves with the close code (1006 when the relay dropped the socket). */
  closed: Promise<number>;
  send(frame: Frame): void;
  hello(): void;
  /** Resolves with the next frame of `type` the relay sends. */
  next(type: FrameType): Promise<Frame>;
}

export async function connectRawPeer(relayUrl: string, adminToken: string): Promise<RawTunnelPeer> {
  const { id, secret } = await registerAgent(relayUrl, adminToken);
  const { accessToken } = await api<{ accessToken: string }>(relayUrl, '/api/v1/agents/token', {
    body: { agentId: id, secret },
  });
  const ws = new WebSocket(`${relayUrl.replace(/^http/, 'ws')}/api/v1/tunnel`, {
    headers: { authorization: `Bearer ${accessToken}` },
    perMessageDeflate: false,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);
  const received: Frame[] = [];
  const waiters: Array<{ type: FrameType; resolve: (frame: Frame) => void }> = [];
  ws.on('message', (data: Buffer) => {
    const frame = decodeFrame(data, { maxFrameSize: DEFAULT_MAX_FRAME_SIZE });
    received.push(frame);
    const index = waiters.findIndex((waiter) => waiter.type === frame.type);
    if (index !== -1) waiters.splice(index, 1)[0].resolve(frame);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const send = (frame: Frame) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(frame));
  };
  return {
    agentId: id,
    ws,
    received,
    closed,
    send,
    hello: () =>
      send({
        type: FrameType.HELLO,
        streamId: 0,
        payload: {
          protocolVersion: PROTOCOL_VERSION,
          agentVersion: 'raw',
          capabilities: [],
          catalog: [],
        },
      }),
    next: (type) => new Promise((resolve) => waiters.push({ type, resolve })),
  };
}
