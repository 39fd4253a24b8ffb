import WebSocket from 'ws';
import {
  decodeFrame,
  encodeDataFrame,
  encodeEndFrame,
  encodeFrame,
  FRAME_HEADER_SIZE,
  FrameType,
  PROTOCOL_VERSION,
  ResetCode,
  type Frame,
  type HttpHeaders,
  type OpenPayload,
} from '../../src/shared/protocol';
import { api } from './bridge';

/** What a script sends back for one OPEN, in order: frames already encoded. */
export type Script = (streamId: number, open: OpenPayload) => Buffer[];

/** Frame builders for scripts, so a test reads as the byte sequence an agent would send. */
export const reply = {
  response: (streamId: number, status: number, headers: HttpHeaders = {}, endStream = false) =>
    encodeFrame({
      type: FrameType.RESPONSE,
      streamId,
      endStream,
      payload: { status, headers },
    }),
  data: (streamId: number, body: string | Buffer) =>
    encodeDataFrame(streamId, typeof body === 'string' ? Buffer.from(body) : body),
  end: (streamId: number) => encodeEndFrame(streamId),
  /** A JSON frame with any payload at all, past what the typed encoder would build. */
  rawJson: (type: FrameType, streamId: number, payload: unknown) => {
    const header = Buffer.alloc(FRAME_HEADER_SIZE);
    header[0] = type;
    header.writeUInt32BE(streamId, 2);
    return Buffer.concat([header, Buffer.from(JSON.stringify(payload))]);
  },
  reset: (streamId: number, status?: number, code: ResetCode = ResetCode.UPSTREAM_ERROR) =>
    encodeFrame({
      type: FrameType.RESET,
      streamId,
      payload: { code, message: 'scripted reset', ...(status === undefined ? {} : { status }) },
    }),
};

/**
 * A hand-written agent that speaks the tunnel protocol from the shared codec but answers
 * every OPEN with whatever the test scripted: the relay's side of the trust boundary is
 * tested against a peer that does not follow the rules the real agent does.
 */
export class HostileAgent {
  /** Picks the script by the OPEN's path; unscripted paths get a plain 200 "ok". */
  private readonly scripts = new Map<string, Script>();
  /** RESET frames the relay sent, by stream id. */
  readonly resets = new Map<number, string>();
  /** Resolves with the close code once the relay (or the test) closes the tunnel. */
  readonly closed: Promise<number>;

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.on('message', (data: Buffer) => this.receive(decodeFrame(data, { maxFrameSize: 1 << 24 })));
  }

  /** Exchanges the agent's credentials for a token, upgrades, says HELLO and waits for the ACK. */
  static async connect(relayUrl: string, agentId: string, secret: string): Promise<HostileAgent> {
    const { accessToken } = await api<{ accessToken: string }>(relayUrl, '/api/v1/agents/token', {
      body: { agentId, secret },
    });
    const ws = new WebSocket(`${relayUrl.replace(/^http/, 'ws')}/api/v1/tunnel`, {
      headers: { authorization: `Bearer ${accessToken}` },
      perMessageDeflate: false,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const agent = new HostileAgent(ws);
    const acknowledged = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        if (data[0] === (FrameType.HELLO_ACK as number)) resolve();
      });
    });
    ws.send(
      encodeFrame({
        type: FrameType.HELLO,
        streamId: 0,
        payload: {
          protocolVersion: PROTOCOL_VERSION,
          agentVersion: 'hostile',
          capabilities: [],
          catalog: [{ name: 'evil', type: 'http', operations: ['GET', 'HEAD', 'POST'] }],
        },
      }),
    );
    await acknowledged;
    return agent;
  }

  script(path: string, script: Script): void {
    this.scripts.set(path, script);
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }

  private receive(frame: Frame): void {
    switch (frame.type) {
      case FrameType.OPEN: {
        const script = this.scripts.get(frame.payload.path) ?? okScript;
        for (const bytes of script(frame.streamId, frame.payload)) this.ws.send(bytes);
        return;
      }
      case FrameType.PING:
        this.ws.send(encodeFrame({ type: FrameType.PONG, streamId: 0, payload: frame.payload }));
        return;
      case FrameType.RESET:
        this.resets.set(frame.streamId, frame.payload.code);
        return;
      default:
        // Request bodies, credit and acks: a scripted agent has no use for them.
        return;
    }
  }
}

const okScript: Script = (id) => [
  reply.response(id, 200, { 'content-type': 'text/plain' }),
  reply.data(id, 'ok'),
  reply.end(id),
];
