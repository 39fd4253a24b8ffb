import { Logger } from '@nestjs/common';
import type WebSocket from 'ws';
import {
  CloseCode,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_INITIAL_WINDOW,
  DEFAULT_MAX_FRAME_SIZE,
  FrameType,
  PROTOCOL_VERSION,
  ProtocolError,
  ProtocolErrorCode,
  ResetCode,
  type DatasourceCatalogEntry,
  type Frame,
  type HelloAckPayload,
  type OpenPayload,
} from '../../shared/protocol';
import { FrameSocket } from '../../shared/tunnel/frame-socket';
import { ServedStream, type Dispatch } from './served-stream';

export interface ConnectionOptions {
  agentVersion: string;
  catalog: DatasourceCatalogEntry[];
  dispatch: Dispatch;
  /** Until HELLO_ACK says otherwise. */
  heartbeatIntervalMs: number;
  maxBufferedBytes: number;
}

export interface ConnectionEvents {
  onReady(ack: HelloAckPayload): void;
  /** The relay asked us to drain: finish in-flight calls and reconnect. */
  onGoAway(message: string): void;
  onClosed(code: number, reason: string): void;
}

const CAPABILITIES = ['end-stream-flag', 'catalog-updates'];

/**
 * One live tunnel from the agent's side: HELLO, then serving each OPEN as its own stream,
 * all dispatched from one frame handler keyed by stream id.
 */
export class AgentConnection {
  private readonly logger = new Logger(AgentConnection.name);
  private readonly socket: FrameSocket;
  private readonly streams = new Map<number, ServedStream>();
  private lastStreamId = 0;
  private ack?: HelloAckPayload;
  private draining = false;

  constructor(
    ws: WebSocket,
    private readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.socket = new FrameSocket(
      ws,
      {
        maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
        maxBufferedBytes: options.maxBufferedBytes,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
      },
      {
        onFrame: (frame) => this.handle(frame),
        onClose: (code, reason) => this.closed(code, reason),
      },
    );
    this.socket.sendFrame({
      type: FrameType.HELLO,
      streamId: 0,
      payload: {
        protocolVersion: PROTOCOL_VERSION,
        agentVersion: options.agentVersion,
        capabilities: CAPABILITIES,
        catalog: options.catalog,
      },
    });
  }

  get ready(): boolean {
    return this.ack !== undefined && this.socket.isOpen;
  }

  get streamsInFlight(): number {
    return this.streams.size;
  }

  get rttMs(): number | undefined {
    return this.socket.rttMs;
  }

  get stats(): { bytesIn: number; bytesOut: number } {
    return { bytesIn: this.socket.bytesIn, bytesOut: this.socket.bytesOut };
  }

  sendCatalog(catalog: DatasourceCatalogEntry[]): void {
    if (this.ready)
      this.socket.sendFrame({ type: FrameType.CATALOG, streamId: 0, payload: { catalog } });
  }

  /** Waits (up to `graceMs`) for in-flight calls to finish, then closes. */
  async drainAndClose(graceMs: number, reason: string): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + graceMs;
    while (this.streams.size > 0 && Date.now() < deadline && this.socket.isOpen) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.socket.close(CloseCode.GOING_AWAY, reason);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private handle(frame: Frame): void {
    if (!this.ack) {
      if (frame.type !== FrameType.HELLO_ACK) {
        throw new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, 'expected HELLO_ACK first');
      }
      this.ack = frame.payload;
      this.socket.setHeartbeatInterval(frame.payload.heartbeatIntervalMs);
      this.events.onReady(frame.payload);
      return;
    }
    switch (frame.type) {
      case FrameType.OPEN:
        this.openStream(frame.streamId, frame.payload);
        return;
      case FrameType.GOAWAY:
        this.draining = true;
        this.events.onGoAway(frame.payload.message);
        return;
      case FrameType.HELLO_ACK:
        throw new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, 'HELLO_ACK sent twice');
      default:
        this.route(frame);
    }
  }

  private openStream(id: number, open: OpenPayload): void {
    if (id <= this.lastStreamId) {
      throw new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, `stream id ${id} reused`);
    }
    this.lastStreamId = id;
    const ack = this.ack!;
    if (this.draining || this.streams.size >= ack.maxConcurrentStreams) {
      this.socket.sendFrame({
        type: FrameType.RESET,
        streamId: id,
        payload: {
          code: ResetCode.REFUSED_STREAM,
          message: 'agent is busy or draining',
          status: 503,
        },
      });
      return;
    }
    const stream = new ServedStream(
      id,
      open,
      this.socket,
      {
        initialWindow: ack.initialWindow ?? DEFAULT_INITIAL_WINDOW,
        chunkSize: Math.min(DEFAULT_CHUNK_SIZE, ack.maxFrameSize),
      },
      (done) => this.streams.delete(done.id),
    );
    this.streams.set(id, stream);
    stream.run(this.options.dispatch).catch((error: unknown) => {
      this.logger.error({ err: error, requestId: open.requestId }, 'call failed');
      this.socket.sendFrame({
        type: FrameType.RESET,
        streamId: id,
        payload: { code: ResetCode.INTERNAL, message: 'internal error' },
      });
      stream.connectionLost();
    });
  }

  private route(frame: Frame): void {
    const stream = this.streams.get(frame.streamId);
    if (stream) {
      stream.handle(frame);
      return;
    }
    if (frame.streamId === 0 || frame.streamId > this.lastStreamId) {
      throw new ProtocolError(
        ProtocolErrorCode.PROTOCOL_ERROR,
        `${FrameType[frame.type]} for unknown stream ${frame.streamId}`,
      );
    }
  }

  private closed(code: number, reason: string): void {
    for (const stream of [...this.streams.values()]) stream.connectionLost();
    this.streams.clear();
    this.events.onClosed(code, reason);
  }
}
