/**
 * Holds an answer to the length the relay declared to the caller. The relay owns the
 * framing of its connection to the caller: a body longer or shorter than declared would
 * leave bytes the caller reads as the start of the next response, or swallow part of it.
 */
export class ResponseFraming {
  private received = 0;

  /** `declared` undefined: the caller's framing is chunked and any length is fine. */
  constructor(private readonly declared?: number) {}

  /** False if `bytes` more would run past the declared length (nothing is counted then). */
  admit(bytes: number): boolean {
    if (this.declared !== undefined && this.received + bytes > this.declared) return false;
    this.received += bytes;
    return true;
  }

  /** Whether the body may end here. */
  get complete(): boolean {
    return this.declared === undefined || this.received === this.declared;
  }
}
