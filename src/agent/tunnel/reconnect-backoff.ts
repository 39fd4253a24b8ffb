export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** A connection that lasted this long resets the backoff. */
  stableAfterMs: number;
}

/**
 * Exponential backoff with full jitter (a uniformly random delay up to the capped
 * exponential), so agents cut off together do not reconnect in lockstep.
 */
export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  get attempts(): number {
    return this.attempt;
  }

  update(policy: BackoffPolicy): void {
    this.policy = policy;
  }

  /** The delay before the next attempt; each call doubles the ceiling up to the cap. */
  next(): number {
    const ceiling = Math.min(
      this.policy.maxDelayMs,
      this.policy.initialDelayMs * 2 ** Math.min(this.attempt, 30),
    );
    this.attempt += 1;
    return Math.round(this.random() * ceiling);
  }

  /** Call when a connection ends; resets when it had been up long enough to count as stable. */
  connectionEnded(upForMs: number): void {
    if (upForMs >= this.policy.stableAfterMs) this.attempt = 0;
  }

  reset(): void {
    this.attempt = 0;
  }
}
