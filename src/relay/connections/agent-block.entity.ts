import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An agent refused at the tunnel upgrade until `blockedUntil` (set when it was kicked). */
@Entity('agent_blocks')
export class AgentBlockEntity {
  @PrimaryColumn('uuid', { name: 'agent_id' })
  agentId: string;

  @Column('timestamptz', { name: 'blocked_until' })
  blockedUntil: Date;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
