import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BufferedInsert } from '../../shared/database/buffered-insert';
import { AgentConfig } from '../agent.config';
import { AgentMetrics } from '../metrics/agent-metrics';
import { DataLogEntryEntity, type DataLogRecord } from './data-log-entry.entity';

/**
 * The data log, written off the hot path: calls append to a buffer, written as one many-row
 * insert every DATA_LOG_FLUSH_INTERVAL_MS or once DATA_LOG_BATCH_SIZE rows wait. While the
 * database is down up to DATA_LOG_MAX_BUFFERED rows are kept, then the oldest are dropped.
 * Shutdown flushes before the database closes.
 */
@Injectable()
export class DataLogWriter extends BufferedInsert<DataLogRecord> {
  constructor(dataSource: DataSource, config: AgentConfig, metrics: AgentMetrics) {
    super(
      dataSource,
      DataLogEntryEntity,
      {
        rowsName: 'data log rows',
        flushIntervalMs: config.DATA_LOG_FLUSH_INTERVAL_MS,
        batchSize: config.DATA_LOG_BATCH_SIZE,
        maxBuffered: config.DATA_LOG_MAX_BUFFERED,
        onWritten: (rows) => metrics.dataLogWritten.inc(rows),
        onDropped: (rows) => metrics.dataLogDropped.inc(rows),
      },
      new Logger(DataLogWriter.name),
    );
    metrics.provide({ dataLogBuffered: () => this.pending });
  }

  /** Queues the row of a served call; never blocks and never throws. */
  record(entry: DataLogRecord): void {
    this.add(entry);
  }
}
