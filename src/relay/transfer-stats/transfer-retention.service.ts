import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DAY_MS,
  deleteOlderThan,
  RetentionSchedule,
} from '../../shared/database/retention-schedule';
import { RelayConfig } from '../relay.config';

const FIRST_SWEEP_DELAY_MS = 90 * 1000;

/** Deletes transfer records older than TRANSFER_RETENTION_DAYS (0 keeps them), hourly. */
@Injectable()
export class TransferRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TransferRetentionService.name);
  private readonly schedule = new RetentionSchedule(
    'transfer records',
    () => this.sweep(),
    this.logger,
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: RelayConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.TRANSFER_RETENTION_DAYS > 0) this.schedule.start(FIRST_SWEEP_DELAY_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Deletes the records past retention now; returns how many went. */
  async sweep(now = new Date()): Promise<number> {
    if (this.config.TRANSFER_RETENTION_DAYS === 0) return 0;
    const cutoff = new Date(now.getTime() - this.config.TRANSFER_RETENTION_DAYS * DAY_MS);
    const deleted = await deleteOlderThan(
      this.dataSource,
      'transfer_records',
      'started_at',
      cutoff,
      () => !this.schedule.stopping,
    );
    if (deleted > 0)
      this.logger.log({ deleted, cutoff }, 'transfer records past retention removed');
    return deleted;
  }
}
