import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { UnnestInsert } from '../../shared/database/unnest-insert';
import { AgentConfig } from '../agent.config';
import { DataLogEntryEntity, type DataLogRecord } from './data-log-entry.entity';

/**
 * Keeps the data log off the hot path: calls append to an in-memory buffer, written as one
 * many-row insert every DATA_LOG_FLUSH_INTERVAL_MS or once DATA_LOG_BATCH_SIZE rows wait.
 * While the database is down the buffer holds up to DATA_LOG_MAX_BUFFERED rows, then drops
 * the oldest (counted in a warning). Shutdown flushes before the database closes.
 */
@Injectable()
export class DataLogWriter
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(DataLogWriter.name);
  private buffer: DataLogRecord[] = [];
  private droppedRows = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly insert: UnnestInsert<DataLogRecord>;

  constructor(
    @InjectRepository(DataLogEntryEntity)
    private readonly entries: Repository<DataLogEntryEntity>,
    private readonly config: AgentConfig,
  ) {
    this.insert = new UnnestInsert(entries.metadata);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.DATA_LOG_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Queues one row; never blocks and never throws. */
  record(entry: DataLogRecord): void {
    this.buffer.push(entry);
    this.dropOverflow();
    if (this.buffer.length >= this.config.DATA_LOG_BATCH_SIZE) void this.flush();
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Rows dropped because the buffer was full, since start. */
  get dropped(): number {
    return this.droppedRows;
  }

  /** Writes everything buffered so far; concurrent callers share one run. */
  async flush(): Promise<void> {
    this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** All Nest `beforeApplicationShutdown` hooks run before any module closes the database. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Rows of calls that ended during the HTTP server's close, if the database is still up. */
  async onApplicationShutdown(): Promise<void> {
    if (this.buffer.length > 0 && this.entries.manager.connection.isInitialized) {
      await this.flush();
    }
    if (this.buffer.length > 0) {
      this.logger.warn({ rows: this.buffer.length }, 'data log rows lost at shutdown');
    }
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.config.DATA_LOG_BATCH_SIZE);
      try {
        await this.entries.query(this.insert.sql, this.insert.parameters(batch));
      } catch (error) {
        this.buffer = batch.concat(this.buffer);
        this.dropOverflow();
        this.logger.warn(
          { err: error, buffered: this.buffer.length },
          'data log write failed; will retry',
        );
        return;
      }
    }
  }

  private dropOverflow(): void {
    const excess = this.buffer.length - this.config.DATA_LOG_MAX_BUFFERED;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    // One warning per thousand drops keeps an outage from flooding the log.
    const before = this.droppedRows;
    this.droppedRows += excess;
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.droppedRows / 1000)) {
      this.logger.warn({ dropped: this.droppedRows }, 'data log buffer full: oldest rows dropped');
    }
  }
}
