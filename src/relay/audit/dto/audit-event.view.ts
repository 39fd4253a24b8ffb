import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuditActorType, AuditOutcome } from '../audit-action';
import type { AuditEventEntity } from '../audit-event.entity';

export class AuditActorView {
  @ApiProperty({ enum: AuditActorType })
  type: AuditActorType;

  @ApiPropertyOptional({ type: String, nullable: true })
  id: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  name: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  ip: string | null;
}

export class AuditTargetView {
  @ApiPropertyOptional({ type: String, nullable: true })
  type: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  id: string | null;
}

export class AuditEventView {
  @ApiProperty({ description: 'Position in the hash chain, from 1', example: 42 })
  seq: number;

  @ApiProperty({ type: String, format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ type: AuditActorView })
  actor: AuditActorView;

  @ApiProperty({ example: 'auth.login' })
  action: string;

  @ApiProperty({ type: AuditTargetView })
  target: AuditTargetView;

  @ApiProperty({ enum: AuditOutcome })
  outcome: AuditOutcome;

  @ApiPropertyOptional({ type: String, nullable: true })
  requestId: string | null;

  @ApiPropertyOptional({
    type: Object,
    additionalProperties: true,
    nullable: true,
    description: 'Facts of the event, e.g. `before` and `after` of a change; secrets redacted',
  })
  details: Record<string, unknown> | null;

  @ApiProperty({ description: 'SHA-256 of the previous event (hex)' })
  prevHash: string;

  @ApiProperty({ description: 'SHA-256 over this event and prevHash (hex)' })
  hash: string;
}

export class AuditEventPageView {
  @ApiProperty({ type: [AuditEventView] })
  items: AuditEventView[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null on the last page',
  })
  nextCursor: string | null;
}

export function toAuditEventView(event: AuditEventEntity): AuditEventView {
  return {
    seq: Number(event.seq),
    occurredAt: event.occurredAt.toISOString(),
    actor: { type: event.actorType, id: event.actorId, name: event.actorName, ip: event.actorIp },
    action: event.action,
    target: { type: event.targetType, id: event.targetId },
    outcome: event.outcome,
    requestId: event.requestId,
    details: event.details,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}
