import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Principal } from '../../shared/auth/principal';
import { TtlCache } from '../../shared/cache/ttl-cache';
import { OperationsMetrics } from '../metrics/operations-metrics';
import { RelayConfig } from '../relay.config';
import { RequestContexts } from '../request-context/request-context';
import { AuditActorType, AuditOutcome, type AuditAction } from './audit-action';
import { GENESIS_HASH, hashEvent } from './audit-chain';
import { AuditEventEntity } from './audit-event.entity';
import { cleanOptionalText, redactSecrets } from './audit-redaction';

/** Who did it. Taken from the request being served unless given. */
export interface AuditActor {
  type: AuditActorType;
  id?: string | null;
  name?: string | null;
  ip?: string | null;
}

export interface AuditTarget {
  type: string;
  id?: string | null;
}

export interface AuditEventInput {
  action: AuditAction;
  outcome: AuditOutcome;
  target?: AuditTarget;
  /** Overrides the caller from the request context (e.g. the user who just logged in). */
  actor?: Partial<AuditActor>;
  /** Free-form facts; secret fields are redacted before anything is stored. */
  details?: Record<string, unknown>;
}

interface Pending {
  row: Omit<AuditEventEntity, 'seq' | 'prevHash' | 'hash'>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The newest event of the chain. */
export interface ChainHead {
  seq: string;
  hash: string;
}

/** Serialises chain appends across relay instances sharing one database. */
export const AUDIT_CHAIN_LOCK = 7_236_051_875_173;
const MAX_BATCH = 200;
const MAX_DETAILS_BYTES = 32_768;

/**
 * Appends to the hash-chained audit log. `record` resolves once the event is committed, so
 * callers that await it (security events) answer only after their event is durable.
 * Concurrent events are appended together in one transaction (group commit) under an
 * advisory lock, which keeps the chain linear even with several relays on one database.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);
  private queue: Pending[] = [];
  private writing?: Promise<void>;
  private readonly recentDenials: TtlCache<string, true>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: RelayConfig,
    private readonly metrics: OperationsMetrics,
  ) {
    this.recentDenials = new TtlCache({
      ttlMs: Math.max(1, config.AUDIT_DENIAL_DEDUP) * 1000,
      maxEntries: 50_000,
    });
  }

  /** Appends one event; resolves when it is committed, rejects if it could not be. */
  async record(input: AuditEventInput): Promise<void> {
    const row = this.toRow(input);
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.startWriting();
    });
  }

  /** An administrative change, with the state before and after it (secrets redacted). */
  async recordChange(
    action: AuditAction,
    target: AuditTarget,
    before: unknown,
    after: unknown,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.record({
      action,
      outcome: AuditOutcome.Success,
      target,
      details: { ...details, before: before ?? null, after: after ?? null },
    });
  }

  /**
   * A refused request. Identical denials (same `dedupeKey`) within AUDIT_DENIAL_DEDUP are
   * recorded once, so a flood of refused calls cannot flood the log; the refusal itself never
   * waits on a failing audit write beyond logging it.
   */
  async recordDenial(input: AuditEventInput, dedupeKey: string): Promise<void> {
    if (this.config.AUDIT_DENIAL_DEDUP > 0) {
      if (this.recentDenials.has(dedupeKey)) {
        this.metrics.auditSuppressed.inc({ action: input.action });
        return;
      }
      this.recentDenials.set(dedupeKey, true);
    }
    try {
      await this.record(input);
    } catch (error) {
      this.logger.error({ err: error, action: input.action }, 'could not audit a denial');
    }
  }

  /**
   * Appends inside the caller's transaction, which must already hold AUDIT_CHAIN_LOCK (used
   * by retention so that deleting old events and recording it are one step). `head` is the
   * newest event when the caller has just removed it from the table.
   */
  async appendLocked(
    manager: EntityManager,
    inputs: AuditEventInput[],
    head?: ChainHead,
  ): Promise<void> {
    await this.appendRows(
      manager,
      inputs.map((input) => this.toRow(input)),
      head,
    );
  }

  private startWriting(): void {
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.startWriting();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.appendTransaction(batch);
      } catch (error) {
        // One bad event must not sink the others committed with it: retry them one by one.
        if (batch.length > 1) {
          for (const pending of batch) await this.appendAlone(pending);
          continue;
        }
        this.fail(batch[0], error);
        continue;
      }
      for (const pending of batch) pending.resolve();
    }
  }

  private async appendAlone(pending: Pending): Promise<void> {
    try {
      await this.appendTransaction([pending]);
      pending.resolve();
    } catch (error) {
      this.fail(pending, error);
    }
  }

  private async appendTransaction(batch: Pending[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
      await this.appendRows(
        manager,
        batch.map((pending) => pending.row),
      );
    });
  }

  private fail(pending: Pending, error: unknown): void {
    this.metrics.auditWriteFailures.inc();
    this.logger.error({ err: error, action: pending.row.action }, 'audit write failed');
    pending.reject(error);
  }

  private async appendRows(
    manager: EntityManager,
    rows: Array<Omit<AuditEventEntity, 'seq' | 'prevHash' | 'hash'>>,
    knownHead?: ChainHead,
  ): Promise<void> {
    if (rows.length === 0) return;
    const [head] = await manager.query<ChainHead[]>(
      'select seq, hash from audit_events order by seq desc limit 1',
    );
    const last = head ?? knownHead;
    let seq = last ? BigInt(last.seq) : 0n;
    let prevHash = last ? last.hash : GENESIS_HASH;
    const chained: AuditEventEntity[] = rows.map((row) => {
      seq += 1n;
      const event = { ...row, seq: seq.toString(), prevHash, hash: '' };
      event.hash = hashEvent(event);
      prevHash = event.hash;
      return event;
    });
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditEventEntity)
      // jsonb details are plain JSON; TypeORM's deep-partial type cannot see that.
      .values(chained as QueryDeepPartialEntity<AuditEventEntity>[])
      .updateEntity(false)
      .execute();
    for (const row of chained) this.metrics.auditEvents.inc({ outcome: row.outcome });
  }

  private toRow(input: AuditEventInput): Omit<AuditEventEntity, 'seq' | 'prevHash' | 'hash'> {
    const context = RequestContexts.current();
    // Outside any request (start-up, timers, tunnel events) the relay itself acts.
    const contextActor = context
      ? actorOf(context.request.principal)
      : { type: AuditActorType.System };
    const actor = { ...contextActor, ...input.actor };
    return {
      occurredAt: new Date(),
      actorType: actor.type ?? AuditActorType.Anonymous,
      actorId: cleanOptionalText(actor.id),
      actorName: cleanOptionalText(actor.name),
      actorIp: cleanOptionalText(actor.ip ?? context?.ip),
      action: input.action,
      targetType: cleanOptionalText(input.target?.type),
      targetId: cleanOptionalText(input.target?.id),
      outcome: input.outcome,
      requestId: cleanOptionalText(context?.requestId),
      details: boundedDetails(input.details),
    };
  }
}

function actorOf(principal: Principal | undefined): Partial<AuditActor> {
  if (!principal) return { type: AuditActorType.Anonymous };
  return {
    type: principal.type === 'user' ? AuditActorType.User : AuditActorType.ApiKey,
    id: principal.id,
    name: principal.name,
  };
}

/** Redacted, JSON-normalised details, cut down if they would make an oversized row. */
function boundedDetails(
  details: Record<string, unknown> | undefined,
): Record<string, unknown> | null {
  if (!details) return null;
  const clean = redactSecrets(details) as Record<string, unknown>;
  const text = JSON.stringify(clean);
  if (text.length <= MAX_DETAILS_BYTES) return JSON.parse(text) as Record<string, unknown>;
  return { truncated: true, bytes: text.length, keys: Object.keys(clean).slice(0, 50) };
}
