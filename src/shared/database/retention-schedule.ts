import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

export const DAY_MS = 86_400_000;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Deleting in slices keeps each statement (and its locks) short on a large table. */
const DELETE_SLICE = 10_000;

/**
 * Runs a retention sweep `firstDelayMs` after start (off the start-up path), then hourly, one
 * at a time. A failed sweep is logged and tried again at the next hour. `stop` waits for a
 * sweep under way, so the database is not closed beneath it.
 */
export class RetentionSchedule {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    /** What the sweep removes, for its failure log line: `data log rows`. */
    private readonly rowsName: string,
    private readonly sweep: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** A sweep under way checks this between slices. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(firstDelayMs: number): void {
    this.schedule(firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.run(), delayMs);
    this.timer.unref();
  }

  private run(): void {
    this.running = this.sweep()
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, `${this.rowsName}: retention sweep failed`),
      )
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(SWEEP_INTERVAL_MS);
      });
  }
}

/**
 * Deletes the rows of `table` whose `column` is before `cutoff`, oldest first in slices,
 * until none is left or `keepGoing` says stop; returns how many went. `table` and `column`
 * are the caller's constants, never input.
 */
export async function deleteOlderThan(
  dataSource: DataSource,
  table: string,
  column: string,
  cutoff: Date,
  keepGoing: () => boolean = () => true,
): Promise<number> {
  let total = 0;
  for (;;) {
    const [, deleted] = await dataSource.query<[unknown, number]>(
      `delete from ${table} where id in (
         select id from ${table} where ${column} < $1 order by id limit ${DELETE_SLICE})`,
      [cutoff],
    );
    total += deleted;
    if (deleted < DELETE_SLICE || !keepGoing()) return total;
  }
}
