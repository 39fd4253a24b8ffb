import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { hashSecret, randomSecret } from '../credentials/opaque-secret';
import { RelayConfig } from '../relay.config';
import { AuthErrors } from './auth.exception';
import { RefreshTokenEntity, type RevokedReason } from './refresh-token.entity';

export const REFRESH_TOKEN_PREFIX = 'ibr_';
/** Expired rows are kept a day (to recognise late replays), then purged hourly. */
const PURGE_EVERY_MS = 3_600_000;
const KEEP_EXPIRED_MS = 86_400_000;

/** A refresh token that was valid and has now been retired in favour of a new one. */
export interface RotatedToken {
  userId: string;
  familyId: string;
  tokenGeneration: number;
}

/** Opaque, single-use refresh tokens, stored hashed, grouped in families (one per login). */
@Injectable()
export class RefreshTokensService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RefreshTokens');
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(RefreshTokenEntity)
    private readonly tokens: Repository<RefreshTokenEntity>,
    private readonly config: RelayConfig,
  ) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  get ttlSeconds(): number {
    return this.config.REFRESH_TOKEN_TTL;
  }

  /** Issues a token; without `familyId` it starts a new family (a new login). */
  async issue(
    userId: string,
    tokenGeneration: number,
    familyId: string = randomUUID(),
  ): Promise<string> {
    const token = randomSecret(REFRESH_TOKEN_PREFIX);
    await this.tokens.insert({
      userId,
      familyId,
      tokenGeneration,
      tokenHash: hashSecret(token),
      expiresAt: new Date(Date.now() + this.ttlSeconds * 1000),
    });
    return token;
  }

  /**
   * Retires `token` so it can never be used again. A token that was already retired by a
   * rotation is a replay: the whole family is revoked, ending the thief's and the owner's
   * session alike (standard refresh-token reuse detection).
   */
  async rotate(token: string): Promise<RotatedToken> {
    const row = await this.findByToken(token);
    if (!row) throw AuthErrors.invalidRefreshToken();
    if (row.revokedAt) {
      if (row.revokedReason !== 'rotated') throw AuthErrors.invalidRefreshToken();
      await this.reuseDetected(row);
    }
    if (row.expiresAt.getTime() <= Date.now()) throw AuthErrors.refreshTokenExpired();
    // The conditional update makes the claim atomic: of two concurrent uses, one loses.
    const claimed = await this.tokens.update(
      { id: row.id, revokedAt: IsNull() },
      { revokedAt: () => 'now()', revokedReason: 'rotated' },
    );
    if (claimed.affected !== 1) await this.reuseDetected(row);
    return { userId: row.userId, familyId: row.familyId, tokenGeneration: row.tokenGeneration };
  }

  /** Logout: ends the token's family. Unknown tokens are ignored (nothing to end). */
  /** Revokes the token's session; returns the user it belonged to (undefined: unknown token). */
  async revoke(token: string): Promise<string | undefined> {
    const row = await this.findByToken(token);
    if (row) await this.revokeFamily(row.familyId, 'logout');
    return row?.userId;
  }

  async revokeFamily(familyId: string, reason: RevokedReason): Promise<void> {
    await this.tokens.update(
      { familyId, revokedAt: IsNull() },
      { revokedAt: () => 'now()', revokedReason: reason },
    );
  }

  async purgeExpired(): Promise<void> {
    try {
      await this.tokens.delete({ expiresAt: LessThan(new Date(Date.now() - KEEP_EXPIRED_MS)) });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not purge expired refresh tokens');
    }
  }

  private async findByToken(token: string): Promise<RefreshTokenEntity | null> {
    if (!token.startsWith(REFRESH_TOKEN_PREFIX)) return null;
    return this.tokens.findOneBy({ tokenHash: hashSecret(token) });
  }

  private async reuseDetected(row: RefreshTokenEntity): Promise<never> {
    await this.revokeFamily(row.familyId, 'reuse-detected');
    this.logger.warn(
      { userId: row.userId, familyId: row.familyId },
      'refresh token reused; token family revoked',
    );
    throw AuthErrors.refreshTokenReused();
  }
}
