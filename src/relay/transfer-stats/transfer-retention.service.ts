import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RelayConfig } from '../relay.config';

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const FIRST_SWEEP_DELAY_MS = 90 * 1000;
const DELETE_BATCH = 10_000;
const DAY_MS = 86_400_000;

/** Deletes transfer records older than TRANSFER_RETENTION_DAYS, in small batches. */
@Injectable()
export class TransferRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TransferRetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: RelayConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.TRANSFER_RETENTION_DAYS === 0) return;
    this.timer = setTimeout(() => this.sweepRepeatedly(), FIRST_SWEEP_DELAY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Deletes everything that started before `cutoff`; returns how many records went. */
  async deleteBefore(cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        `delete from transfer_records
          where id in (select id from transfer_records where started_at < $1 limit ${DELETE_BATCH})`,
        [cutoff],
      );
      total += deleted;
      if (deleted < DELETE_BATCH || this.timer === undefined) return total;
    }
  }

  private sweepRepeatedly(): void {
    const cutoff = new Date(Date.now() - this.config.TRANSFER_RETENTION_DAYS * DAY_MS);
    this.running = this.deleteBefore(cutoff)
      .then((deleted) => {
        if (deleted > 0) this.logger.log({ deleted }, 'transfer records past retention removed');
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'transfer retention failed'))
      .finally(() => {
        this.running = undefined;
        if (this.timer === undefined) return;
        this.timer = setTimeout(() => this.sweepRepeatedly(), SWEEP_INTERVAL_MS);
        this.timer.unref();
      });
  }
}
