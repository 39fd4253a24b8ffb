import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A per-principal rate limit replacing RATE_LIMIT_PER_PRINCIPAL for one user or API key. */
@Entity('rate_limits')
export class RateLimitEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('uuid', { name: 'api_key_id', nullable: true })
  apiKeyId: string | null;

  @Column('integer', { name: 'max_requests' })
  maxRequests: number;

  @Column('integer', { name: 'window_seconds' })
  windowSeconds: number;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
