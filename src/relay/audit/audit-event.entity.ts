import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AuditActorType, AuditOutcome } from './audit-action';

/**
 * One audit event. Append-only (a trigger refuses UPDATE, and DELETE outside retention), and
 * chained: `hash` covers every other column and `prev_hash`, the hash of event `seq - 1`.
 */
@Entity('audit_events')
export class AuditEventEntity {
  /** Gap-free position in the chain, from 1 (bigint: read as a string). */
  @PrimaryColumn('bigint')
  seq: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('text', { name: 'actor_type' })
  actorType: AuditActorType;

  @Column('text', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('text', { name: 'actor_name', nullable: true })
  actorName: string | null;

  @Column('text', { name: 'actor_ip', nullable: true })
  actorIp: string | null;

  @Column('text')
  action: string;

  @Column('text', { name: 'target_type', nullable: true })
  targetType: string | null;

  @Column('text', { name: 'target_id', nullable: true })
  targetId: string | null;

  @Column('text')
  outcome: AuditOutcome;

  @Column('text', { name: 'request_id', nullable: true })
  requestId: string | null;

  @Column('jsonb', { nullable: true })
  details: Record<string, unknown> | null;

  @Column('text', { name: 'prev_hash' })
  prevHash: string;

  @Column('text')
  hash: string;
}
