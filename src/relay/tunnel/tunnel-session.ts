import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import {
  CloseCode,
  DEFAULT_CHUNK_SIZE,
  encodeFrame,
  FrameType,
  isCompatible,
  MAX_STREAM_ID,
  PROTOCOL_VERSION,
  ProtocolError,
  ProtocolErrorCode,
  type DatasourceCatalogEntry,
  type Frame,
  type FrameRate,
  type HelloPayload,
  type OpenPayload,
} from '../../shared/protocol';
import { FrameSocket } from '../../shared/tunnel/frame-socket';
import { RelayStream, type StreamListener } from './relay-stream';
import { TunnelErrorCode } from './tunnel-error-code';

export interface SessionLimits {
  maxStreams: number;
  heartbeatIntervalMs: number;
  maxFrameSize: number;
  initialWindow: number;
  maxBufferedBytes: number;
  helloTimeoutMs: number;
  frameRate?: FrameRate;
  controlFrameRate?: FrameRate;
}

export interface SessionIdentity {
  agentId: string;
  agentName: string;
  remoteIp: string;
}

export interface SessionEvents {
  onReady(session: TunnelSession): void;
  onCatalog(session: TunnelSession): void;
  onClosed(session: TunnelSession, code: number, reason: string): void;
}

export type SessionState = 'awaiting-hello' | 'ready' | 'draining' | 'closing' | 'closed';

/**
 * One connected agent: the WebSocket, the HELLO handshake, and every call in flight on it,
 * keyed by stream id (one dispatcher, not a listener per call).
 */
export class TunnelSession {
  readonly id = randomUUID();
  readonly connectedAt = new Date();
  state: SessionState = 'awaiting-hello';
  agentVersion = '';
  protocolVersion = 0;
  capabilities: string[] = [];
  catalog: DatasourceCatalogEntry[] = [];
  calls = 0;
  private readonly socket: FrameSocket;
  private readonly streams = new Map<number, RelayStream>();
  private nextStreamId = 1;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    ws: WebSocket,
    readonly identity: SessionIdentity,
    private readonly limits: SessionLimits,
    private readonly events: SessionEvents,
  ) {
    this.socket = new FrameSocket(
      ws,
      {
        maxFrameSize: limits.maxFrameSize,
        maxBufferedBytes: limits.maxBufferedBytes,
        heartbeatIntervalMs: limits.heartbeatIntervalMs,
        frameRate: limits.frameRate,
        controlFrameRate: limits.controlFrameRate,
      },
      {
        onFrame: (frame) => this.handle(frame),
        onClose: (code, reason) => this.closed(code, reason),
      },
    );
    this.helloTimer = setTimeout(
      () => this.close(CloseCode.PROTOCOL_ERROR, 'no HELLO received'),
      limits.helloTimeoutMs,
    );
    this.helloTimer.unref();
  }

  get streamsInFlight(): number {
    return this.streams.size;
  }

  get hasCapacity(): boolean {
    return this.streams.size < this.limits.maxStreams;
  }

  get stats(): { bytesIn: number; bytesOut: number; rttMs?: number; lastHeartbeatAt?: Date } {
    const { bytesIn, bytesOut, rttMs, lastHeartbeatAt } = this.socket;
    return { bytesIn, bytesOut, rttMs, lastHeartbeatAt };
  }

  /** The socket's queued bytes; bounded by the congestion limit plus one frame per stream. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** Sends OPEN for a new call. The caller checked `hasCapacity` and the head's size. */
  open(head: OpenPayload, listener: StreamListener): RelayStream {
    const id = this.nextStreamId++;
    if (id >= MAX_STREAM_ID) this.drain('stream ids exhausted');
    const stream = new RelayStream(
      id,
      this.socket,
      listener,
      {
        initialWindow: this.limits.initialWindow,
        chunkSize: Math.min(DEFAULT_CHUNK_SIZE, this.limits.maxFrameSize),
      },
      (done) => this.streams.delete(done.id),
    );
    this.streams.set(id, stream);
    this.calls += 1;
    this.socket.send(encodeFrame({ type: FrameType.OPEN, streamId: id, payload: head }));
    return stream;
  }

  /** Asks the agent to finish in-flight calls and reconnect; no new calls are routed here. */
  drain(message: string): void {
    if (this.state !== 'ready') return;
    this.state = 'draining';
    this.socket.sendFrame({
      type: FrameType.GOAWAY,
      streamId: 0,
      payload: { code: 'GOING_AWAY', message },
    });
  }

  /** Ends every call in flight here, telling the agent and answering callers with `code`. */
  endStreams(code: string, message: string): void {
    for (const stream of [...this.streams.values()]) stream.end(code, message);
  }

  /** Stops routing calls here at once; the close handshake finishes in the background. */
  close(code: number, reason: string): void {
    if (this.state !== 'closed') this.state = 'closing';
    this.socket.close(code, reason);
  }

  private handle(frame: Frame): void {
    if (this.state === 'awaiting-hello') {
      if (frame.type !== FrameType.HELLO) {
        throw new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, 'expected HELLO first');
      }
      this.greet(frame.payload);
      return;
    }
    switch (frame.type) {
      case FrameType.CATALOG:
        this.catalog = frame.payload.catalog;
        this.events.onCatalog(this);
        return;
      case FrameType.HELLO:
        throw new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, 'HELLO sent twice');
      case FrameType.GOAWAY:
        this.state = 'draining';
        return;
      default:
        this.route(frame);
    }
  }

  private route(frame: Frame): void {
    const stream = this.streams.get(frame.streamId);
    if (stream) {
      stream.handle(frame);
      return;
    }
    // Frames racing a RESET we sent are expected; frames for streams never opened are not.
    if (frame.streamId === 0 || frame.streamId >= this.nextStreamId) {
      throw new ProtocolError(
        ProtocolErrorCode.PROTOCOL_ERROR,
        `${FrameType[frame.type]} for unknown stream ${frame.streamId}`,
      );
    }
  }

  private greet(hello: HelloPayload): void {
    clearTimeout(this.helloTimer);
    if (!isCompatible(hello.protocolVersion)) {
      throw new ProtocolError(
        ProtocolErrorCode.INCOMPATIBLE_VERSION,
        `protocol ${hello.protocolVersion} not supported (relay speaks ${PROTOCOL_VERSION})`,
      );
    }
    this.protocolVersion = hello.protocolVersion;
    this.agentVersion = hello.agentVersion;
    this.capabilities = hello.capabilities;
    this.catalog = hello.catalog;
    this.socket.sendFrame({
      type: FrameType.HELLO_ACK,
      streamId: 0,
      payload: {
        protocolVersion: PROTOCOL_VERSION,
        sessionId: this.id,
        heartbeatIntervalMs: this.limits.heartbeatIntervalMs,
        maxConcurrentStreams: this.limits.maxStreams,
        initialWindow: this.limits.initialWindow,
        maxFrameSize: this.limits.maxFrameSize,
      },
    });
    this.state = 'ready';
    this.events.onReady(this);
  }

  private closed(code: number, reason: string): void {
    clearTimeout(this.helloTimer);
    this.state = 'closed';
    for (const stream of [...this.streams.values()]) {
      stream.abort(
        TunnelErrorCode.AgentDisconnected,
        `Agent connection lost (${code}${reason ? `: ${reason}` : ''})`,
      );
    }
    this.streams.clear();
    this.events.onClosed(this, code, reason);
  }
}
