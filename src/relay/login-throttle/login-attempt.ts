/** Where a reserved attempt's slots are counted; the throttle service implements it. */
export interface AttemptLedger {
  succeeded(ticket: AttemptTicket): Promise<void>;
  failed(ticket: AttemptTicket): Promise<void>;
  released(ticket: AttemptTicket): Promise<void>;
}

/** The keys a reserved attempt holds a slot in. */
export interface AttemptTicket {
  subjectKey: string;
  ipKey: string;
  subjectFailures: number;
}

/**
 * One reserved credential check. The slot was counted as a failure when reserved (so parallel
 * guesses cannot slip past the limit); `settle` is the only way to resolve it, so no caller
 * can forget the case where the check itself could not run.
 */
export class LoginAttempt {
  private settled = false;

  constructor(
    private readonly ledger: AttemptLedger,
    readonly ticket: AttemptTicket,
  ) {}

  /** How many failures the name holds, this attempt included. */
  get subjectFailures(): number {
    return this.ticket.subjectFailures;
  }

  /**
   * Runs the credential check. A falsy result is a wrong credential: it stays counted (and is
   * penalised). A truthy one clears the name. A throw means nothing was decided (the database
   * is down, a bug): the slot is given back uncounted and the error goes on to the caller.
   */
  async settle<T>(check: () => Promise<T>): Promise<T> {
    if (this.settled) throw new Error('a login attempt is settled once');
    this.settled = true;
    let verdict: T;
    try {
      verdict = await check();
    } catch (error) {
      await this.ledger.released(this.ticket);
      throw error;
    }
    if (verdict) await this.ledger.succeeded(this.ticket);
    else await this.ledger.failed(this.ticket);
    return verdict;
  }
}
