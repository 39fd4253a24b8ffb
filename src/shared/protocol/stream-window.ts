import { DEFAULT_INITIAL_WINDOW, MAX_WINDOW_SIZE } from './protocol-limits';
import { ProtocolError, ProtocolErrorCode } from './protocol-error';

/*
 * Per-stream credit-based flow control, as HTTP/2 WINDOW_UPDATE: the sender may only send as
 * many DATA payload bytes as the receiver granted, and the receiver grants more only once its
 * reader has consumed data, so a slow reader stalls its sender instead of filling memory.
 */

const RESOLVED = Promise.resolve();

function assertWindowSize(size: number, label: string): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_WINDOW_SIZE) {
    throw new RangeError(`${label} must be an integer in 1..${MAX_WINDOW_SIZE}`);
  }
}

function assertByteCount(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw new RangeError('byte count must be a non-negative integer');
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (reason: Error) => void;
}

function createDeferred(): Deferred {
  let resolve!: () => void;
  let reject!: (reason: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Credit this side may still spend on DATA payload bytes for one stream. */
export class SendWindow {
  private credit: number;
  /** Shared by every waiter, so waiting once per chunk never piles up listeners. */
  private pending: Deferred | undefined;
  private closedWith: Error | undefined;

  constructor(initialWindow: number = DEFAULT_INITIAL_WINDOW) {
    assertWindowSize(initialWindow, 'initialWindow');
    this.credit = initialWindow;
  }

  get available(): number {
    return this.credit;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Spend credit before sending a DATA frame. Overspending is a local bug, not a peer's. */
  consume(bytes: number): void {
    assertByteCount(bytes);
    if (bytes > this.credit) {
      throw new RangeError(`cannot send ${bytes} bytes with ${this.credit} bytes of credit`);
    }
    this.credit -= bytes;
  }

  /** Apply a received WINDOW increment. */
  grant(increment: number): void {
    if (!Number.isInteger(increment) || increment < 1) {
      throw new ProtocolError(ProtocolErrorCode.FLOW_CONTROL_ERROR, 'invalid WINDOW increment');
    }
    if (this.credit + increment > MAX_WINDOW_SIZE) {
      throw new ProtocolError(
        ProtocolErrorCode.FLOW_CONTROL_ERROR,
        `WINDOW increment would raise the window above ${MAX_WINDOW_SIZE}`,
      );
    }
    this.credit += increment;
    this.settle();
  }

  /**
   * Resolves once `available > 0` (immediately if it already is); rejects with the reason given
   * to close(). Check `available` first on the hot path to skip the microtask.
   */
  waitForCredit(): Promise<void> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    if (this.credit > 0) return RESOLVED;
    this.pending ??= createDeferred();
    return this.pending.promise;
  }

  /** Stream reset or finished: wake a blocked sender so its pump can stop. */
  close(reason: Error): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(reason);
  }

  private settle(): void {
    if (this.pending === undefined || this.credit <= 0) return;
    const pending = this.pending;
    this.pending = undefined;
    pending.resolve();
  }
}

/** Credit this side has granted the peer for one stream, and when to grant more. */
export class ReceiveWindow {
  /** Bytes the peer may still send before it must wait for a WINDOW frame. */
  private credit: number;
  private unread = 0;
  /** Bytes the reader consumed that have not been granted back yet. */
  private unacknowledged = 0;
  private readonly updateThreshold: number;

  /** @param updateThreshold consumed bytes that trigger a WINDOW update; default half the window */
  constructor(initialWindow: number = DEFAULT_INITIAL_WINDOW, updateThreshold?: number) {
    assertWindowSize(initialWindow, 'initialWindow');
    this.credit = initialWindow;
    this.updateThreshold = updateThreshold ?? Math.ceil(initialWindow / 2);
    if (this.updateThreshold > initialWindow) {
      throw new RangeError('updateThreshold cannot exceed initialWindow');
    }
    assertWindowSize(this.updateThreshold, 'updateThreshold');
  }

  get remaining(): number {
    return this.credit;
  }

  /** Bytes received but not yet released by the reader. */
  get buffered(): number {
    return this.unread;
  }

  /** Account for a received DATA payload; data beyond the granted credit is a peer violation. */
  receive(bytes: number): void {
    assertByteCount(bytes);
    if (bytes > this.credit) {
      throw new ProtocolError(
        ProtocolErrorCode.FLOW_CONTROL_ERROR,
        `peer sent ${bytes} bytes with only ${this.credit} bytes of credit`,
      );
    }
    this.credit -= bytes;
    this.unread += bytes;
  }

  /**
   * The reader has consumed `bytes`. Returns the increment to send in a WINDOW frame now, or 0.
   * Batching up to the threshold keeps WINDOW traffic to a couple of frames per window.
   */
  release(bytes: number): number {
    assertByteCount(bytes);
    if (bytes > this.unread) {
      throw new RangeError(`cannot release ${bytes} bytes, only ${this.unread} are buffered`);
    }
    this.unread -= bytes;
    this.unacknowledged += bytes;
    if (this.unacknowledged < this.updateThreshold) return 0;
    const increment = this.unacknowledged;
    this.unacknowledged = 0;
    this.credit += increment;
    return increment;
  }
}
