import { Readable } from 'node:stream';
import { encodeWindowFrame, ReceiveWindow } from '../protocol';
import type { FrameSocket } from './frame-socket';

/**
 * A body arriving as DATA frames, read as a Node stream. Credit goes back to the peer only
 * as the reader consumes, so a slow reader stalls its sender and memory stays bounded by
 * the window.
 */
export class InboundBody extends Readable {
  private readonly window: ReceiveWindow;
  private released = 0;
  private received = 0;

  constructor(
    private readonly streamId: number,
    private readonly socket: FrameSocket,
    initialWindow: number,
  ) {
    super({ highWaterMark: initialWindow });
    this.window = new ReceiveWindow(initialWindow);
  }

  /** Accounts for and queues one DATA payload; throws a ProtocolError past the credit. */
  accept(chunk: Buffer): void {
    this.window.receive(chunk.length);
    this.received += chunk.length;
    // A view into the WebSocket message, never reused by `ws`; the window bounds retention.
    this.push(chunk);
  }

  finish(): void {
    this.push(null);
  }

  override _read(): void {
    const consumed = this.received - this.readableLength - this.released;
    if (consumed <= 0) return;
    this.released += consumed;
    const increment = this.window.release(consumed);
    if (increment > 0) this.socket.sendCredit(encodeWindowFrame(this.streamId, increment));
  }
}
