import type { Readable } from 'node:stream';
import { encodeDataFrame, encodeEndFrame, type SendWindow } from '../protocol';
import type { FrameSocket } from './frame-socket';

export interface OutboundBody {
  streamId: number;
  window: SendWindow;
  socket: FrameSocket;
  chunkSize: number;
  /** Running count of payload bytes sent, readable while the body is still flowing. */
  progress?: { bytes: number };
  /** Called after each DATA frame, e.g. to keep an inactivity timer from firing. */
  onSent?: () => void;
}

/**
 * Streams a body as DATA frames, never past the peer's credit or the socket's buffer bound,
 * then END. Resolves with the bytes sent; rejects when the window is closed (stream reset),
 * the socket is gone or the source fails or closes early (`ERR_STREAM_PREMATURE_CLOSE`).
 * On failure the source is destroyed; the caller decides what to tell the peer.
 *
 * Driven by the source's events rather than async iteration: most answers are one chunk,
 * and the iterator's promises and end-of-stream bookkeeping cost more than sending it.
 */
export function sendBody(source: Readable, target: OutboundBody): Promise<number> {
  return new Promise<number>((resolve, reject) => new BodyPump(source, target, resolve, reject));
}

class BodyPump {
  private sent = 0;
  private ended = false;
  private settled = false;
  /** The part of a chunk still waiting for credit or socket room; the source is paused. */
  private backlog: Buffer | undefined;

  constructor(
    private readonly source: Readable,
    private readonly target: OutboundBody,
    private readonly resolve: (sent: number) => void,
    private readonly reject: (error: Error) => void,
  ) {
    if (source.destroyed) {
      this.settle(source.errored ?? prematureClose());
      return;
    }
    source.on('data', this.onData);
    source.on('end', this.onEnd);
    source.on('error', this.onError);
    source.on('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.send(chunk)) return;
    this.source.pause();
    void this.sendBacklog();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    if (!this.backlog) this.end();
  };

  private readonly onError = (error: Error): void => this.settle(error);

  private readonly onClose = (): void => {
    if (!this.ended) this.settle(prematureClose());
  };

  /** Sends what credit and room allow; false when a backlog is left to wait for. */
  private send(chunk: Buffer): boolean {
    const { streamId, window, socket, chunkSize, progress } = this.target;
    let offset = 0;
    while (offset < chunk.length) {
      if (window.closed || !socket.isOpen) {
        this.settle(streamClosed());
        return true;
      }
      if (window.available === 0 || socket.congested) {
        this.backlog = chunk.subarray(offset);
        return false;
      }
      const size = Math.min(chunk.length - offset, window.available, chunkSize);
      window.consume(size);
      socket.send(encodeDataFrame(streamId, chunk.subarray(offset, offset + size)));
      offset += size;
      this.sent += size;
      if (progress) progress.bytes = this.sent;
      this.target.onSent?.();
    }
    this.backlog = undefined;
    return true;
  }

  private async sendBacklog(): Promise<void> {
    const { window, socket } = this.target;
    try {
      while (this.backlog && !this.settled) {
        if (window.available === 0) await window.waitForCredit();
        if (socket.congested) await socket.whenWritable();
        this.send(this.backlog);
      }
    } catch (error) {
      this.settle(error as Error);
      return;
    }
    if (this.settled) return;
    if (this.ended) this.end();
    else this.source.resume();
  }

  private end(): void {
    if (this.target.window.closed || !this.target.socket.isOpen) {
      this.settle(streamClosed());
      return;
    }
    this.target.socket.send(encodeEndFrame(this.target.streamId));
    this.settle();
  }

  private settle(error?: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.source.off('error', this.onError);
    this.source.off('close', this.onClose);
    // A late error from a source nobody reads any more must not crash the process.
    this.source.on('error', ignore);
    if (!error) return this.resolve(this.sent);
    // As an abandoned async iteration would: nothing else is going to read it.
    this.source.destroy();
    this.reject(error);
  }
}

function ignore(): void {}

function streamClosed(): Error {
  return new Error('stream closed');
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
