import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TableRetention } from '../../shared/database/retention-schedule';
import { RelayConfig } from '../relay.config';

/** Deletes transfer records older than TRANSFER_RETENTION_DAYS (0 keeps them), hourly. */
@Injectable()
export class TransferRetentionService extends TableRetention {
  constructor(dataSource: DataSource, config: RelayConfig) {
    super(
      dataSource,
      {
        table: 'transfer_records',
        timeColumn: 'started_at',
        rowsName: 'transfer records',
        retentionDays: config.TRANSFER_RETENTION_DAYS,
        firstSweepDelayMs: 90 * 1000,
      },
      new Logger(TransferRetentionService.name),
    );
  }
}
