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
import { AgentConfig } from '../agent.config';

const FIRST_SWEEP_DELAY_MS = 30 * 1000;

/** Deletes data-log rows older than DATA_LOG_RETENTION_DAYS, hourly. */
@Injectable()
export class DataLogRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DataLogRetention.name);
  private readonly schedule = new RetentionSchedule(
    'data log rows',
    () => this.sweep(),
    this.logger,
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AgentConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start(FIRST_SWEEP_DELAY_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Deletes expired rows now; returns how many. */
  async sweep(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.DATA_LOG_RETENTION_DAYS * DAY_MS);
    const deleted = await deleteOlderThan(
      this.dataSource,
      'data_log',
      'at',
      cutoff,
      () => !this.schedule.stopping,
    );
    if (deleted > 0) this.logger.log({ deleted, cutoff }, 'data log retention applied');
    return deleted;
  }
}
