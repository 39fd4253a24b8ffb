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
  /** At most this many rows are kept, the oldest go first; 0: no budget. */
  maxRows?: number;
  firstSweepDelayMs: number;
}

/** A sweep warns once the table holds this share of its row budget. */
export const BUDGET_WARNING_SHARE = 0.8;

/** What the last sweep found: rows kept against the budget (0: none). */
export interface TableUsage {
  table: string;
  rows: number;
  maxRows: number;
}

/**
 * Retention for a log table: rows older than `retentionDays` are deleted oldest first, in
 * slices, on a RetentionSchedule that starts with the app; then, with a `maxRows` budget, the
 * oldest rows past it. A sweep warns when the table holds 80% of its budget. A Nest provider
 * extends it. A sweep under way stops between slices at shutdown.
 */
export abstract class TableRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: RetentionSchedule;
  private lastUsage: TableUsage;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: TableRetentionOptions,
    private readonly logger: Logger,
  ) {
    this.schedule = new RetentionSchedule(options.rowsName, () => this.sweep(), logger);
    this.lastUsage = { table: options.table, rows: 0, maxRows: options.maxRows ?? 0 };
  }

  /** Rows and budget as the last sweep measured them, for a gauge. */
  get usage(): TableUsage {
    return this.lastUsage;
  }

  onApplicationBootstrap(): void {
    const { retentionDays, maxRows, firstSweepDelayMs } = this.options;
    if (retentionDays > 0 || (maxRows ?? 0) > 0) this.schedule.start(firstSweepDelayMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Deletes the rows past retention, then past the row budget, now; returns how many went. */
  async sweep(now = new Date()): Promise<number> {
    const { rowsName, retentionDays } = this.options;
    let deleted = 0;
    if (retentionDays > 0) {
      const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
      const aged = await this.deleteSlices(`${this.options.timeColumn} < $1`, cutoff);
      if (aged > 0)
        this.logger.log({ deleted: aged, cutoff }, `${rowsName} past retention removed`);
      deleted += aged;
    }
    return deleted + (await this.enforceBudget());
  }

  /**
   * Rows are counted as the span of ids (max - min + 1): two index lookups instead of a scan
   * of a large table. Rows only go oldest first, so the span is exact but for the ids of
   * failed inserts, which make it overcount: the budget errs on the side of fewer rows.
   */
  private async enforceBudget(): Promise<number> {
    const { table, rowsName } = this.options;
    const maxRows = this.options.maxRows ?? 0;
    const [span] = await this.dataSource.query<{ low: string | null; high: string | null }[]>(
      `select min(id) as low, max(id) as high from ${table}`,
    );
    const low = span.low === null ? 0 : Number(span.low);
    const high = span.high === null ? -1 : Number(span.high);
    let rows = high - low + 1;
    let deleted = 0;
    if (maxRows > 0 && rows > maxRows) {
      deleted = await this.deleteSlices('id <= $1', String(high - maxRows));
      this.logger.log({ deleted, maxRows }, `${rowsName} past the row budget removed`);
      rows = Math.min(rows, maxRows);
    }
    this.lastUsage = { table, rows, maxRows };
    if (maxRows > 0 && rows >= maxRows * BUDGET_WARNING_SHARE) {
      this.logger.warn(
        { rows, maxRows, table },
        `${rowsName} at ${Math.round((rows / maxRows) * 100)}% of the row budget`,
      );
    }
    return deleted;
  }

  private async deleteSlices(condition: string, bound: unknown): Promise<number> {
    const { table } = this.options;
    let deleted = 0;
    for (;;) {
      const [, count] = await this.dataSource.query<[unknown, number]>(
        `delete from ${table} where id in (
           select id from ${table} where ${condition} order by id limit ${DELETE_SLICE})`,
        [bound],
      );
      deleted += count;
      if (count < DELETE_SLICE || this.schedule.stopping) break;
    }
    return deleted;
  }
}
