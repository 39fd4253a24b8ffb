import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BufferedInsert } from '../../shared/database/buffered-insert';
import { AgentConfig } from '../agent.config';
import { DataLogEntryEntity, type DataLogRecord } from './data-log-entry.entity';

/**
 * The data log, written off the hot path: calls append to a buffer, written as one many-row
 * insert every DATA_LOG_FLUSH_INTERVAL_MS or once DATA_LOG_BATCH_SIZE rows wait. While the
 * database is down up to DATA_LOG_MAX_BUFFERED rows are kept, then the oldest are dropped.
 * Shutdown flushes before the database closes.
 */
@Injectable()
export class DataLogWriter
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly rows: BufferedInsert<DataLogRecord>;

  constructor(dataSource: DataSource, config: AgentConfig) {
    this.rows = new BufferedInsert(
      dataSource,
      DataLogEntryEntity,
      {
        rowsName: 'data log rows',
        flushIntervalMs: config.DATA_LOG_FLUSH_INTERVAL_MS,
        batchSize: config.DATA_LOG_BATCH_SIZE,
        maxBuffered: config.DATA_LOG_MAX_BUFFERED,
      },
      new Logger(DataLogWriter.name),
    );
  }

  onApplicationBootstrap(): void {
    this.rows.start();
  }

  /** Queues one row; never blocks and never throws. */
  record(entry: DataLogRecord): void {
    this.rows.add(entry);
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.rows.pending;
  }

  /** Rows dropped because the buffer was full, since start. */
  get dropped(): number {
    return this.rows.dropped;
  }

  flush(): Promise<void> {
    return this.rows.flush();
  }

  /** All Nest `beforeApplicationShutdown` hooks run before any module closes the database. */
  beforeApplicationShutdown(): Promise<void> {
    return this.rows.stop();
  }

  /** Rows of calls that ended during the HTTP server's close. */
  onApplicationShutdown(): Promise<void> {
    return this.rows.flushRemaining();
  }
}
