import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TableRetention } from '../../shared/database/retention-schedule';
import { OperationsMetrics } from '../metrics/operations-metrics';
import { RelayConfig } from '../relay.config';

/**
 * Deletes transfer records older than TRANSFER_RETENTION_DAYS (0 keeps them) and the oldest
 * past TRANSFER_MAX_ROWS, hourly.
 */
@Injectable()
export class TransferRetentionService extends TableRetention {
  constructor(dataSource: DataSource, config: RelayConfig, metrics: OperationsMetrics) {
    super(
      dataSource,
      {
        table: 'transfer_records',
        timeColumn: 'started_at',
        rowsName: 'transfer records',
        retentionDays: config.TRANSFER_RETENTION_DAYS,
        maxRows: config.TRANSFER_MAX_ROWS,
        firstSweepDelayMs: 90 * 1000,
      },
      new Logger(TransferRetentionService.name),
    );
    metrics.provide({ tableUsage: () => [this.usage] });
  }
}

/** Deletes per-minute rollups older than TRANSFER_ROLLUP_MINUTE_RETENTION_DAYS, hourly. */
@Injectable()
export class MinuteRollupRetention extends TableRetention {
  constructor(dataSource: DataSource, config: RelayConfig) {
    super(
      dataSource,
      {
        table: 'transfer_rollups_minute',
        timeColumn: 'bucket_start',
        rowsName: 'transfer rollups (minute)',
        retentionDays: config.TRANSFER_ROLLUP_MINUTE_RETENTION_DAYS,
        firstSweepDelayMs: 100 * 1000,
      },
      new Logger(MinuteRollupRetention.name),
    );
  }
}

/** Deletes per-hour rollups older than TRANSFER_ROLLUP_HOUR_RETENTION_DAYS, hourly. */
@Injectable()
export class HourRollupRetention extends TableRetention {
  constructor(dataSource: DataSource, config: RelayConfig) {
    super(
      dataSource,
      {
        table: 'transfer_rollups_hour',
        timeColumn: 'bucket_start',
        rowsName: 'transfer rollups (hour)',
        retentionDays: config.TRANSFER_ROLLUP_HOUR_RETENTION_DAYS,
        firstSweepDelayMs: 110 * 1000,
      },
      new Logger(HourRollupRetention.name),
    );
  }
}
