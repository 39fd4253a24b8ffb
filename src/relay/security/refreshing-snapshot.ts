import { Logger } from '@nestjs/common';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';

/**
 * A value loaded from the database, kept in memory and reloaded every `intervalMs` (so that
 * changes made through another relay arrive), or at once after a local change. Readers never
 * wait except for the very first load; a failed reload keeps the last good value.
 */
export class RefreshingSnapshot<T> {
  private value?: T;
  private loading?: Promise<T>;
  private timer?: NodeJS.Timeout;
  private generation = 0;

  constructor(
    private readonly name: string,
    private readonly load: () => Promise<T>,
    private readonly intervalMs: number,
    private readonly logger = new Logger(RefreshingSnapshot.name),
  ) {}

  /**
   * The current value; loads it on first use. Never loaded and not loadable: 503, so that
   * requests fail closed rather than pass unchecked.
   */
  async get(): Promise<T> {
    if (this.value !== undefined) return this.value;
    try {
      return await this.reload();
    } catch (error) {
      this.logger.error({ err: error, snapshot: this.name }, 'cannot load');
      throw new AppException(
        ErrorCode.ServiceUnavailable,
        'Security settings are unavailable; try again later',
        503,
      );
    }
  }

  /** Reloads now; concurrent callers share one load. */
  async reload(): Promise<T> {
    const generation = ++this.generation;
    const loading = this.load().then((value) => {
      // A reload started later wins over one that finishes later.
      if (generation === this.generation || this.value === undefined) this.value = value;
      return value;
    });
    this.loading = loading;
    try {
      return await loading;
    } finally {
      if (this.loading === loading) this.loading = undefined;
    }
  }

  /**
   * First load at start-up, then reloads every interval. A failed first load (database not
   * reachable yet, or migrations switched off) only warns: `get()` tries again when needed.
   */
  async startWithFirstLoad(): Promise<void> {
    await this.reload().catch((error: unknown) =>
      this.logger.warn(
        { err: error, snapshot: this.name },
        'first load failed; will load on first use',
      ),
    );
    this.start();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) =>
        this.logger.warn(
          { err: error, snapshot: this.name },
          'reload failed; keeping the last one',
        ),
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
