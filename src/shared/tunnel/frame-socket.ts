import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { writeDataFrame } from './websocket-data-frame';
import {
  CloseCode,
  DEFAULT_CONTROL_FRAME_RATE,
  DEFAULT_FRAME_RATE,
  decodeFrame,
  encodeFrame,
  FRAME_HEADER_SIZE,
  FrameBudget,
  FrameType,
  ProtocolError,
  ProtocolErrorCode,
  type Frame,
  type FrameRate,
} from '../protocol';

export interface FrameSocketOptions {
  maxFrameSize: number;
  /** Above this many bytes queued on the socket, senders of bodies wait for 'drain'. */
  maxBufferedBytes: number;
  heartbeatIntervalMs: number;
  /** Frames of any type the peer may send (default DEFAULT_FRAME_RATE). */
  frameRate?: FrameRate;
  /** Connection-level frames and WebSocket pings (default DEFAULT_CONTROL_FRAME_RATE). */
  controlFrameRate?: FrameRate;
}

export interface FrameSocketEvents {
  /** Called for every valid frame; throwing a ProtocolError closes the connection. */
  onFrame(frame: Frame): void;
  onClose(code: number, reason: string): void;
}

const PING_SIZE = 8;
/** Past this many corked bytes, writes are flushed without waiting for the loop's turn. */
const CORK_LIMIT = 64 * 1024;
/** A peer silent for this many heartbeat intervals is taken for dead. */
const DEAD_AFTER_INTERVALS = 2.5;
/** Frames that concern the connection, not a stream: each may cost this side a reply. */
const CONTROL_FRAMES: ReadonlySet<FrameType> = new Set([
  FrameType.HELLO,
  FrameType.HELLO_ACK,
  FrameType.GOAWAY,
  FrameType.PING,
  FrameType.PONG,
  FrameType.CATALOG,
]);

/**
 * One tunnel WebSocket seen as a stream of protocol frames: decodes and validates what
 * arrives, batches what leaves (writes issued in one loop turn share one syscall), tells senders
 * when the socket is congested, and runs heartbeats that both detect a dead peer and measure
 * the round trip. Used by both ends of the tunnel.
 */
export class FrameSocket {
  private readonly socket: Socket;
  /** RFC 6455: a client masks what it sends, a server does not. */
  private readonly masked: boolean;
  /** Bytes written since the socket was corked; 0 when it is not. */
  private corkedBytes = 0;
  private drainWaiters: Array<() => void> = [];
  private heartbeat?: NodeJS.Timeout;
  /** Fires when the peer's silence reaches the dead-peer bound (see checkLiveness). */
  private watchdog?: NodeJS.Timeout;
  private lastHeard = Date.now();
  private readonly frameBudget: FrameBudget;
  private readonly controlBudget: FrameBudget;
  private closed = false;
  private readonly pingsInFlight = new Map<string, number>();
  rttMs: number | undefined;
  lastHeartbeatAt: Date | undefined;
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: FrameSocketOptions,
    private readonly events: FrameSocketEvents,
  ) {
    const internals = ws as unknown as { _socket: Socket; _isServer: boolean };
    this.socket = internals._socket;
    this.masked = !internals._isServer;
    this.frameBudget = new FrameBudget(options.frameRate ?? DEFAULT_FRAME_RATE);
    this.controlBudget = new FrameBudget(options.controlFrameRate ?? DEFAULT_CONTROL_FRAME_RATE);
    this.socket.on('drain', () => this.wakeDrainWaiters());
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.on('close', (code, reason) => this.handleClose(code, reason.toString()));
    ws.on('error', () => undefined);
    // `ws` answers WebSocket pings itself; they are control frames all the same.
    ws.on('ping', () => {
      this.lastHeard = Date.now();
      if (!this.controlBudget.take()) this.flooded('WebSocket pings');
    });
    this.scheduleHeartbeat(options.heartbeatIntervalMs);
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  get congested(): boolean {
    return this.ws.bufferedAmount > this.options.maxBufferedBytes;
  }

  /** Resolves once the socket has room again (immediately when it has). */
  whenWritable(): Promise<void> {
    if (!this.congested || !this.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Flow-control credit: sent at once, since the peer may be waiting for it to go on. */
  sendCredit(frame: Buffer): void {
    this.send(frame);
    this.uncork();
  }

  send(frame: Buffer): void {
    if (!this.isOpen) return;
    this.corkFor(frame.length);
    this.ws.send(frame, { binary: true });
    this.flushIfFull();
  }

  /** A body chunk, written without `ws`'s copies (see websocket-data-frame.ts). */
  sendData(streamId: number, payload: Uint8Array): void {
    if (!this.isOpen) return;
    this.corkFor(FRAME_HEADER_SIZE + payload.length);
    writeDataFrame(this.socket, streamId, payload, this.masked);
    this.flushIfFull();
  }

  sendFrame(frame: Frame): void {
    this.send(encodeFrame(frame));
  }

  /** The heartbeat interval can change once the relay's HELLO_ACK names it. */
  setHeartbeatInterval(ms: number): void {
    this.options.heartbeatIntervalMs = ms;
    this.scheduleHeartbeat(ms);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.stopHeartbeat();
    this.wakeDrainWaiters();
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(code, reason.slice(0, 120));
      // A peer that does not answer the close handshake is cut off.
      setTimeout(() => this.ws.terminate(), 2_000).unref();
    }
  }

  /** Drops the connection at once, without a close handshake (dead peer). */
  terminate(): void {
    this.ws.terminate();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.lastHeard = Date.now();
    this.bytesIn += data.length;
    try {
      if (!isBinary) {
        throw new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, 'text messages are not allowed');
      }
      if (!this.frameBudget.take()) throw floodError('frames');
      const frame = decodeFrame(data, { maxFrameSize: this.options.maxFrameSize });
      if (CONTROL_FRAMES.has(frame.type) && !this.controlBudget.take()) {
        throw floodError('control frames');
      }
      if (frame.type === FrameType.PING) {
        this.sendFrame({ type: FrameType.PONG, streamId: 0, payload: frame.payload });
      } else if (frame.type === FrameType.PONG) {
        this.recordPong(frame.payload);
      } else {
        this.events.onFrame(frame);
      }
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.close(error.closeCode, `${error.code}: ${error.message}`);
      } else {
        this.close(CloseCode.INTERNAL_ERROR, 'internal error');
        throw error;
      }
    }
  }

  private flooded(what: string): void {
    const error = floodError(what);
    this.close(error.closeCode, `${error.code}: ${error.message}`);
  }

  private recordPong(payload: Buffer): void {
    const sentAt = this.pingsInFlight.get(payload.toString('hex'));
    if (sentAt === undefined) return;
    this.pingsInFlight.clear();
    this.rttMs = Number(process.hrtime.bigint() - BigInt(sentAt)) / 1e6;
    this.lastHeartbeatAt = new Date();
  }

  private scheduleHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => this.beat(), intervalMs);
    this.heartbeat.unref();
    this.armWatchdog();
  }

  /**
   * Armed for the moment the silence would reach the bound, not checked once a beat: a
   * per-beat check let a dead peer live up to one more period than the documented 2.5.
   * Frames only move `lastHeard`; the timer re-arms itself when it finds the peer spoke.
   */
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    const deadAfterMs = this.options.heartbeatIntervalMs * DEAD_AFTER_INTERVALS;
    const dueIn = Math.max(0, this.lastHeard + deadAfterMs - Date.now());
    this.watchdog = setTimeout(this.checkLiveness, dueIn);
    this.watchdog.unref();
  }

  private readonly checkLiveness = (): void => {
    if (this.closed) return;
    const deadAfterMs = this.options.heartbeatIntervalMs * DEAD_AFTER_INTERVALS;
    if (Date.now() - this.lastHeard >= deadAfterMs) {
      this.close(CloseCode.GOING_AWAY, 'heartbeat timeout');
      this.terminate();
      return;
    }
    this.armWatchdog();
  };

  private beat(): void {
    const payload = randomBytes(PING_SIZE);
    if (this.pingsInFlight.size > 16) this.pingsInFlight.clear();
    this.pingsInFlight.set(payload.toString('hex'), Number(process.hrtime.bigint()));
    this.sendFrame({ type: FrameType.PING, streamId: 0, payload });
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    clearTimeout(this.watchdog);
    this.heartbeat = undefined;
    this.watchdog = undefined;
  }

  private corkFor(bytes: number): void {
    if (this.corkedBytes === 0) {
      this.socket.cork();
      // Held until the loop's check phase: the answer head, body and end of a small call,
      // and frames of other calls served in the same turn, leave in one syscall.
      setImmediate(this.uncork);
    }
    this.corkedBytes += bytes;
    this.bytesOut += bytes;
  }

  /** Bulk data goes out at once: holding megabytes back only delays and fragments them. */
  private flushIfFull(): void {
    if (this.corkedBytes >= CORK_LIMIT) this.uncork();
  }

  private readonly uncork = (): void => {
    if (this.corkedBytes === 0) return;
    this.corkedBytes = 0;
    this.socket.uncork();
  };

  private wakeDrainWaiters(): void {
    if (this.drainWaiters.length === 0 || (this.congested && this.isOpen)) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  private handleClose(code: number, reason: string): void {
    this.closed = true;
    this.stopHeartbeat();
    this.wakeDrainWaiters();
    this.events.onClose(code, reason);
  }
}

function floodError(what: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.FRAME_RATE_EXCEEDED, `too many ${what}`);
}
