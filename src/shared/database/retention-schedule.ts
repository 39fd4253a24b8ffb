import type { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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

export interface TableRetentionOptions {
  /** An append-only table keyed by a growing `id`: `data_log`. */
  table: string;
  /** When a row happened: `at`. */
  timeColumn: string;
  /** What a row is, plural, for log lines: `data log rows`. */
  rowsName: string;
  /** Rows older than this go; 0 keeps them for ever. */
  retentionDays: number;
  firstSweepDelayMs: number;
}

/**
 * Retention for a log table: rows older than `retentionDays` are deleted oldest first, in
 * slices, on a RetentionSchedule that starts with the app. A Nest provider extends it. A
 * sweep under way stops between slices at shutdown.
 */
export abstract class TableRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: RetentionSchedule;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: TableRetentionOptions,
    private readonly logger: Logger,
  ) {
    this.schedule = new RetentionSchedule(options.rowsName, () => this.sweep(), logger);
  }

  onApplicationBootstrap(): void {
    if (this.options.retentionDays > 0) this.schedule.start(this.options.firstSweepDelayMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Deletes the rows past retention now; returns how many went. */
  async sweep(now = new Date()): Promise<number> {
    const { table, timeColumn, rowsName, retentionDays } = this.options;
    if (retentionDays === 0) return 0;
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const [, count] = await this.dataSource.query<[unknown, number]>(
        `delete from ${table} where id in (
           select id from ${table} where ${timeColumn} < $1 order by id limit ${DELETE_SLICE})`,
        [cutoff],
      );
      deleted += count;
      if (count < DELETE_SLICE || this.schedule.stopping) break;
    }
    if (deleted > 0) this.logger.log({ deleted, cutoff }, `${rowsName} past retention removed`);
    return deleted;
  }
}
