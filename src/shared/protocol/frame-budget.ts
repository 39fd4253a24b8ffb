/** Sustained rate and burst of one kind of frame a peer may send. */
export interface FrameRate {
  perSecond: number;
  burst: number;
}

/**
 * A token bucket: `burst` frames at once, refilled at `perSecond`. One per socket and kind,
 * so a peer that floods (PINGs that each cost a PONG, empty frames that each cost a decode)
 * is cut off instead of being served without limit.
 */
export class FrameBudget {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly rate: FrameRate,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate.burst;
    this.refilledAt = now();
  }

  /** Spends one frame's token; false once the peer is past its budget. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const at = this.now();
    const earned = ((at - this.refilledAt) / 1_000) * this.rate.perSecond;
    this.tokens = Math.min(this.rate.burst, this.tokens + earned);
    this.refilledAt = at;
  }
}
