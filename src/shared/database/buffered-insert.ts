import type {
  BeforeApplicationShutdown,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource, EntityTarget } from 'typeorm';
import { UnnestInsert } from './unnest-insert';

export interface BufferedInsertOptions {
  /** What a row is, plural, for log lines: `data log rows`, `transfer records`. */
  rowsName: string;
  flushIntervalMs: number;
  /** Rows per insert; a full batch is written at once, without waiting for the timer. */
  batchSize: number;
  /** Rows kept while the database is unreachable; past it the oldest are dropped. */
  maxBuffered: number;
  onWritten?(rows: number): void;
  onDropped?(rows: number): void;
}

/**
 * Keeps a log table's inserts off the hot path: `add` only appends to a buffer, written as one
 * many-row insert every `flushIntervalMs` or as soon as `batchSize` rows wait. A failed write
 * keeps its rows for the next try, up to `maxBuffered`, then the oldest go (counted, and
 * warned about once per thousand). A Nest provider extends it: the timer starts with the app,
 * and shutdown flushes before the database closes, then once more after the HTTP server has
 * closed.
 */
export abstract class BufferedInsert<Row extends object>
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private buffer: Row[] = [];
  private droppedRows = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly insert: UnnestInsert<Row>;

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<unknown>,
    private readonly options: BufferedInsertOptions,
    private readonly logger: Logger,
  ) {
    this.insert = new UnnestInsert(dataSource.getMetadata(entity));
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Rows dropped because the buffer was full, since start. */
  get dropped(): number {
    return this.droppedRows;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Queues one row; never waits and never throws. */
  protected add(row: Row): void {
    this.buffer.push(row);
    this.dropOverflow();
    if (this.buffer.length >= this.options.batchSize) void this.flush();
  }

  /** Writes everything buffered so far; concurrent callers share one run. */
  flush(): Promise<void> {
    this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Every `beforeApplicationShutdown` hook runs before any module closes the database. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Rows added while the HTTP server closed, if the database is still there. */
  async onApplicationShutdown(): Promise<void> {
    if (this.buffer.length > 0 && this.dataSource.isInitialized) await this.flush();
    if (this.buffer.length > 0) {
      this.logger.warn({ rows: this.buffer.length }, `${this.options.rowsName} lost at shutdown`);
    }
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      try {
        await this.dataSource.query(this.insert.sql, this.insert.parameters(batch));
        this.options.onWritten?.(batch.length);
      } catch (error) {
        this.buffer = batch.concat(this.buffer);
        this.dropOverflow();
        this.logger.warn(
          { err: error, buffered: this.buffer.length },
          `${this.options.rowsName}: write failed; will retry`,
        );
        return;
      }
    }
  }

  private dropOverflow(): void {
    const excess = this.buffer.length - this.options.maxBuffered;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.options.onDropped?.(excess);
    const before = this.droppedRows;
    this.droppedRows += excess;
    // One warning per thousand drops keeps an outage from flooding the log.
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.droppedRows / 1000)) {
      this.logger.warn(
        { dropped: this.droppedRows },
        `${this.options.rowsName}: buffer full, oldest dropped`,
      );
    }
  }
}
