import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { SecurityScope } from '../security-scope';

export type IpRuleAction = 'allow' | 'deny';

/** An allow or deny rule for a CIDR range: global, or for one user or one API key. */
@Entity('ip_rules')
export class IpRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  action: IpRuleAction;

  /** Stored as PostgreSQL `cidr`: host bits are always zero. */
  @Column('cidr')
  cidr: string;

  @Column('text', { array: true })
  scopes: SecurityScope[];

  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('uuid', { name: 'api_key_id', nullable: true })
  apiKeyId: string | null;

  /** Lower numbers are evaluated first. */
  @Column('integer')
  priority: number;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('boolean')
  enabled: boolean;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
