import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One refresh token, stored only as its SHA-256. Tokens from one login form a family: each
 * refresh retires its token and issues the next, and presenting a retired token again revokes
 * the whole family (it means the token was stolen or replayed).
 */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('uuid', { name: 'family_id' })
  familyId: string;

  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  /** The user's token generation at issue; a mismatch later means the session was ended. */
  @Column('integer', { name: 'token_generation' })
  tokenGeneration: number;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column('text', { name: 'revoked_reason', nullable: true })
  revokedReason: RevokedReason | null;
}

export type RevokedReason = 'rotated' | 'logout' | 'reuse-detected';
