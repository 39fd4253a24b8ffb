import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TableRetention } from '../../shared/database/retention-schedule';
import { AgentConfig } from '../agent.config';
import { AgentMetrics } from '../metrics/agent-metrics';

/** Deletes data-log rows older than DATA_LOG_RETENTION_DAYS and past DATA_LOG_MAX_ROWS, hourly. */
@Injectable()
export class DataLogRetention extends TableRetention {
  constructor(dataSource: DataSource, config: AgentConfig, metrics: AgentMetrics) {
    super(
      dataSource,
      {
        table: 'data_log',
        timeColumn: 'at',
        rowsName: 'data log rows',
        retentionDays: config.DATA_LOG_RETENTION_DAYS,
        maxRows: config.DATA_LOG_MAX_ROWS,
        firstSweepDelayMs: 30 * 1000,
      },
      new Logger(DataLogRetention.name),
    );
    metrics.provide({ dataLogUsage: () => this.usage });
  }
}
