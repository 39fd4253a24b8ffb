import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DAY_MS, RetentionSchedule } from '../../shared/database/retention-schedule';
import { RelayConfig } from '../relay.config';
import { AuditActorType, AuditAction, AuditOutcome } from './audit-action';
import { AUDIT_CHAIN_LOCK, AuditService, type ChainHead } from './audit.service';

const FIRST_SWEEP_DELAY_MS = 60 * 1000;

export interface RetentionResult {
  deleted: number;
  throughSeq: string | null;
}

/**
 * Deletes audit events older than AUDIT_RETENTION_DAYS, always a prefix of the chain, and
 * records in the same transaction an `audit.retention` event naming the last event removed
 * (`throughSeq`) and its hash (`anchor`), which is what verification anchors the remaining
 * chain to. This is the only
 * delete the database trigger lets through.
 */
@Injectable()
export class AuditRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditRetentionService.name);
  private readonly schedule = new RetentionSchedule(
    'audit events',
    () => this.sweep(),
    this.logger,
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: RelayConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.AUDIT_RETENTION_DAYS > 0) this.schedule.start(FIRST_SWEEP_DELAY_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** One sweep with the configured retention (exposed for tests and operators' tooling). */
  async sweep(now = new Date()): Promise<RetentionResult> {
    if (this.config.AUDIT_RETENTION_DAYS === 0) return { deleted: 0, throughSeq: null };
    const cutoff = new Date(now.getTime() - this.config.AUDIT_RETENTION_DAYS * DAY_MS);
    return this.deleteBefore(cutoff);
  }

  /** Removes every event up to the newest one that happened before `cutoff`. */
  async deleteBefore(cutoff: Date): Promise<RetentionResult> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
      const [last] = await manager.query<ChainHead[]>(
        `select seq, hash from audit_events
          where seq = (select max(seq) from audit_events where occurred_at < $1)`,
        [cutoff],
      );
      if (!last) return { deleted: 0, throughSeq: null };
      await manager.query(`set local intrabridge.audit_retention = 'on'`);
      const [, deleted] = await manager.query<[unknown, number]>(
        'delete from audit_events where seq <= $1',
        [last.seq],
      );
      await manager.query(`set local intrabridge.audit_retention = 'off'`);
      await this.audit.appendLocked(
        manager,
        [
          {
            action: AuditAction.AuditRetention,
            outcome: AuditOutcome.Success,
            actor: { type: AuditActorType.System, id: null, name: 'retention', ip: null },
            target: { type: 'audit_events' },
            details: {
              throughSeq: last.seq,
              anchor: last.hash,
              deleted,
              cutoff: cutoff.toISOString(),
              retentionDays: this.config.AUDIT_RETENTION_DAYS,
            },
          },
        ],
        last,
      );
      this.logger.log({ deleted, throughSeq: last.seq }, 'audit events past retention removed');
      return { deleted, throughSeq: last.seq };
    });
  }
}
