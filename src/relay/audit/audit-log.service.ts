import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';
import { AuditAction } from './audit-action';
import { GENESIS_HASH, hashEvent } from './audit-chain';
import { AuditEventEntity } from './audit-event.entity';
import type { AuditFilterQuery } from './dto/audit-filter.query';
import {
  ChainBreakReason,
  type AuditVerificationView,
  type ChainBreakView,
} from './dto/audit-verification.view';

const VERIFY_BATCH = 1_000;
const EXPORT_BATCH = 500;

export interface AuditPage {
  items: AuditEventEntity[];
  nextCursor: string | null;
}

/** Reading the audit log: filtered pages, streamed exports and chain verification. */
@Injectable()
export class AuditLogService {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
  ) {}

  /** Newest first; the cursor is the position after which the next page starts. */
  async list(filter: AuditFilterQuery, limit: number, cursor?: string): Promise<AuditPage> {
    const builder = this.filtered(filter)
      .orderBy('e.seq', 'DESC')
      .limit(limit + 1);
    if (cursor) builder.andWhere('e.seq < :before', { before: decodeCursor(cursor) });
    const rows = await builder.getMany();
    const items = rows.slice(0, limit);
    const more = rows.length > limit;
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1].seq) : null };
  }

  async get(seq: string): Promise<AuditEventEntity> {
    const event = await this.events.findOneBy({ seq });
    if (!event) throw new AppException('AUDIT_EVENT_NOT_FOUND', 'Audit event not found', 404);
    return event;
  }

  /**
   * Every matching event, oldest first, in batches read one query at a time (never one long
   * cursor, which would hold the embedded database's single connection for the whole export).
   */
  async *exportBatches(filter: AuditFilterQuery): AsyncGenerator<AuditEventEntity[]> {
    let after = '0';
    for (;;) {
      const batch = await this.filtered(filter)
        .andWhere('e.seq > :after', { after })
        .orderBy('e.seq', 'ASC')
        .limit(EXPORT_BATCH)
        .getMany();
      if (batch.length === 0) return;
      yield batch;
      if (batch.length < EXPORT_BATCH) return;
      after = batch[batch.length - 1].seq;
    }
  }

  /**
   * Recomputes every hash in order and checks each event points at the one before. Reports
   * the first event that fails. When retention removed the oldest events, the first one kept
   * must match what the retention run recorded about the last one it removed.
   */
  async verify(): Promise<AuditVerificationView> {
    let checked = 0;
    let previous: { seq: bigint; hash: string } | undefined;
    let firstSeq: bigint | undefined;
    let trimmedByRetention = false;
    let after = '0';
    for (;;) {
      const batch = await this.events
        .createQueryBuilder('e')
        .where('e.seq > :after', { after })
        .orderBy('e.seq', 'ASC')
        .limit(VERIFY_BATCH)
        .getMany();
      for (const event of batch) {
        const seq = BigInt(event.seq);
        if (!previous) {
          firstSeq = seq;
          const anchor = await this.anchorFor(seq);
          trimmedByRetention = seq > 1n;
          if (anchor === undefined) {
            return this.report(checked, firstSeq, previous, trimmedByRetention, {
              seq: Number(seq),
              reason: ChainBreakReason.MissingPredecessor,
              message: `events before ${seq} are missing and no retention run accounts for them`,
            });
          }
          previous = { seq: seq - 1n, hash: anchor };
        }
        const problem = checkLink(event, seq, previous);
        if (problem) return this.report(checked, firstSeq, previous, trimmedByRetention, problem);
        checked += 1;
        previous = { seq, hash: event.hash };
      }
      if (batch.length < VERIFY_BATCH) break;
      after = batch[batch.length - 1].seq;
    }
    return this.report(checked, firstSeq, previous, trimmedByRetention, null);
  }

  /** The hash the first kept event must point at, or undefined when none is on record. */
  private async anchorFor(firstSeq: bigint): Promise<string | undefined> {
    if (firstSeq === 1n) return GENESIS_HASH;
    const rows = await this.events.query<Array<{ details: { anchor?: unknown } | null }>>(
      `select details from audit_events
        where action = $1 and details->>'throughSeq' = $2
        order by seq desc limit 1`,
      [AuditAction.AuditRetention, (firstSeq - 1n).toString()],
    );
    const hash = rows[0]?.details?.anchor;
    return typeof hash === 'string' ? hash : undefined;
  }

  private report(
    checked: number,
    firstSeq: bigint | undefined,
    last: { seq: bigint; hash: string } | undefined,
    trimmedByRetention: boolean,
    brokenAt: ChainBreakView | null,
  ): AuditVerificationView {
    const hasLast = last !== undefined && checked > 0;
    return {
      intact: brokenAt === null,
      checked,
      firstSeq: firstSeq === undefined ? null : Number(firstSeq),
      lastSeq: hasLast ? Number(last.seq) : null,
      headHash: hasLast && brokenAt === null ? last.hash : null,
      trimmedByRetention,
      brokenAt,
      verifiedAt: new Date().toISOString(),
    };
  }

  private filtered(filter: AuditFilterQuery): SelectQueryBuilder<AuditEventEntity> {
    const builder = this.events.createQueryBuilder('e').where('true');
    if (filter.from) builder.andWhere('e.occurredAt >= :from', { from: new Date(filter.from) });
    if (filter.to) builder.andWhere('e.occurredAt < :to', { to: new Date(filter.to) });
    if (filter.actor) {
      builder.andWhere('(e.actorId = :actor or e.actorName = :actor)', { actor: filter.actor });
    }
    // Each filter binds only its own parameter (binding the whole filter would rebind from/to).
    if (filter.actorType)
      builder.andWhere('e.actorType = :actorType', { actorType: filter.actorType });
    if (filter.actorIp) builder.andWhere('e.actorIp = :actorIp', { actorIp: filter.actorIp });
    if (filter.action?.endsWith('.*')) {
      builder.andWhere('e.action like :area', { area: `${filter.action.slice(0, -1)}%` });
    } else if (filter.action) {
      builder.andWhere('e.action = :action', { action: filter.action });
    }
    if (filter.targetType) {
      builder.andWhere('e.targetType = :targetType', { targetType: filter.targetType });
    }
    if (filter.target) builder.andWhere('e.targetId = :target', { target: filter.target });
    if (filter.outcome) builder.andWhere('e.outcome = :outcome', { outcome: filter.outcome });
    if (filter.requestId)
      builder.andWhere('e.requestId = :requestId', { requestId: filter.requestId });
    return builder;
  }
}

function checkLink(
  event: AuditEventEntity,
  seq: bigint,
  previous: { seq: bigint; hash: string },
): ChainBreakView | null {
  const at = Number(seq);
  if (seq !== previous.seq + 1n) {
    return {
      seq: at,
      reason: ChainBreakReason.SequenceGap,
      message: `event ${seq} follows event ${previous.seq}: events in between are missing`,
    };
  }
  if (event.prevHash !== previous.hash) {
    return {
      seq: at,
      reason: ChainBreakReason.PrevHashMismatch,
      message: `event ${seq} does not link to event ${previous.seq}`,
    };
  }
  if (hashEvent(event) !== event.hash) {
    return {
      seq: at,
      reason: ChainBreakReason.HashMismatch,
      message: `event ${seq} was changed after it was written`,
    };
  }
  return null;
}

/** Cursors are opaque to callers: base64url of the position. */
export function encodeCursor(seq: string): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^s\d{1,19}$/.test(text)) {
    throw new AppException(ErrorCode.ValidationFailed, 'cursor is not one this API issued', 400);
  }
  return text.slice(1);
}
