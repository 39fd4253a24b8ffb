import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Lets one user or one API key (never both) reach one agent's datasource(s). */
@Entity('grants')
export class GrantEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('uuid', { name: 'api_key_id', nullable: true })
  apiKeyId: string | null;

  @Column('uuid', { name: 'agent_id' })
  agentId: string;

  /** A datasource name, or `*` for all of the agent's datasources. */
  @Column('text')
  datasource: string;

  /** HTTP methods (upper-case) and/or `query`. */
  @Column('text', { array: true })
  operations: string[];

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
