import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AgentConfig } from '../agent.config';
import { DataLogEntryEntity } from './data-log-entry.entity';

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const FIRST_SWEEP_DELAY_MS = 30 * 1000;
/** Deleting in slices keeps each statement (and its locks) short on a large log. */
const DELETE_SLICE = 10_000;

/** Deletes data-log rows older than DATA_LOG_RETENTION_DAYS, hourly. */
@Injectable()
export class DataLogRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DataLogRetention.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(DataLogEntryEntity)
    private readonly entries: Repository<DataLogEntryEntity>,
    private readonly config: AgentConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setTimeout(() => {
      this.sweepInBackground();
      this.timer = setInterval(() => this.sweepInBackground(), SWEEP_INTERVAL_MS).unref();
    }, FIRST_SWEEP_DELAY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  private sweepInBackground(): void {
    this.sweep().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'data log retention sweep failed'),
    );
  }

  /** Deletes expired rows now; returns how many. */
  async sweep(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.DATA_LOG_RETENTION_DAYS * 86_400_000);
    let deleted = 0;
    for (;;) {
      const result: [unknown[], number] = await this.entries.query(
        `delete from data_log where id in (
           select id from data_log where at < $1 order by id limit ${DELETE_SLICE})`,
        [cutoff],
      );
      const count = result[1];
      deleted += count;
      if (count < DELETE_SLICE) break;
    }
    if (deleted > 0) this.logger.log({ deleted, cutoff }, 'data log retention applied');
    return deleted;
  }
}
