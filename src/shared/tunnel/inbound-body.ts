import { Readable } from 'node:stream';
import { encodeWindowFrame, ReceiveWindow } from '../protocol';
import type { FrameSocket } from './frame-socket';

/** The one thing an inbound body needs of its connection: a way to grant credit. */
export type CreditSink = Pick<FrameSocket, 'sendCredit'>;

/**
 * A body arriving as DATA frames, read as a Node stream. Credit goes back to the peer only
 * as the reader consumes, so a slow reader stalls its sender and memory stays bounded by
 * the window.
 *
 * Consumption is checked on both paths a byte can leave by: `read()` (paused readers, pipes
 * and async iterators all call it) and a push handed straight to a flowing reader. Checking
 * in `_read` alone is not enough: Node calls it once and then not again until the next push,
 * and with the sender out of credit no push ever comes.
 */
export class InboundBody extends Readable {
  private readonly window: ReceiveWindow;
  private released = 0;
  private received = 0;

  constructor(
    private readonly streamId: number,
    private readonly socket: CreditSink,
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
    this.releaseConsumed();
  }

  finish(): void {
    this.push(null);
  }

  override read(size?: number): unknown {
    const chunk: unknown = super.read(size);
    this.releaseConsumed();
    return chunk;
  }

  /** Credit goes back in `read()`, the only caller of `_read`. */
  override _read(): void {}

  private releaseConsumed(): void {
    const consumed = this.received - this.readableLength - this.released;
    if (consumed <= 0) return;
    this.released += consumed;
    const increment = this.window.release(consumed);
    if (increment > 0) this.socket.sendCredit(encodeWindowFrame(this.streamId, increment));
  }
}
