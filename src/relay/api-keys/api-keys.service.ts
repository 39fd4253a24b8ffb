import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, MoreThan, type FindOptionsWhere, type Repository } from 'typeorm';
import { forbidden } from '../../shared/auth/auth.exception';
import type { Principal } from '../../shared/auth/principal';
import { Role } from '../../shared/auth/role.enum';
import { TtlCache } from '../../shared/cache/ttl-cache';
import type { Page } from '../../shared/dto/page-query.dto';
import { isUniqueViolation } from '../../shared/database/postgres-errors';
import { hashSecret, secretMatches } from '../credentials/opaque-secret';
import { UsersErrors } from '../users/users.exception';
import { UsersService } from '../users/users.service';
import { apiKeyPrefixOf, generateApiKey } from './api-key-format';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysErrors } from './api-keys.exception';
import type { ListApiKeysQuery } from './dto/list-api-keys.query';
import { toApiKeyView } from './dto/api-key.view';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { PrincipalChanges } from '../revocation/principal-changes';

/**
 * How long a key's row is trusted without the database. Revoking through this process
 * invalidates at once; other relay instances notice within this time.
 */
export const API_KEY_CACHE_MS = 10_000;
/** `last_used_at` is written at most this often per key, to keep the hot path read-only. */
const LAST_USED_WRITE_MS = 60_000;
export const MAX_ACTIVE_KEYS_PER_USER = 100;

/** What the authentication hot path keeps about a key. */
interface CachedKey {
  id: string;
  userId: string;
  name: string;
  keyHash: string;
  expiresAt: number | null;
  revoked: boolean;
}

/** Whether a key may still be used, as its row says now. */
export interface ApiKeyStanding {
  userId: string;
  revoked: boolean;
  /** Epoch ms, or null for a key that never expires. */
  expiresAt: number | null;
}

/** An API key that authenticated: the key's id and name, and its owner. */
export interface AuthenticatedApiKey {
  id: string;
  userId: string;
  name: string;
}

export interface NewApiKeyInput {
  name: string;
  expiresAt?: string;
  userId?: string;
}

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  private readonly byPrefix = new TtlCache<string, CachedKey>({
    ttlMs: API_KEY_CACHE_MS,
    maxEntries: 10_000,
  });
  private readonly lastUsedWritten = new TtlCache<string, true>({
    ttlMs: LAST_USED_WRITE_MS,
    maxEntries: 10_000,
  });

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly changes: PrincipalChanges,
  ) {}

  /**
   * Checks a presented key: found by its prefix (cached), compared by hash in constant time,
   * refused when revoked or expired. Throws 401 INVALID_API_KEY.
   */
  async authenticate(key: string): Promise<AuthenticatedApiKey> {
    const prefix = apiKeyPrefixOf(key);
    if (!prefix) throw ApiKeysErrors.invalid();
    const cached = this.byPrefix.get(prefix) ?? (await this.loadForAuth(prefix));
    if (!cached || !secretMatches(key, cached.keyHash)) throw ApiKeysErrors.invalid();
    if (cached.revoked) throw ApiKeysErrors.invalid('The API key has been revoked');
    if (cached.expiresAt !== null && cached.expiresAt <= Date.now()) {
      throw ApiKeysErrors.invalid('The API key has expired');
    }
    this.noteUse(cached.id);
    return { id: cached.id, userId: cached.userId, name: cached.name };
  }

  /** Creates a key for the caller (or, for admins, another user); the key is returned once. */
  async create(
    actor: Principal,
    input: NewApiKeyInput,
  ): Promise<{ entity: ApiKeyEntity; key: string }> {
    const userId = input.userId ?? actor.userId;
    if (userId !== actor.userId && !isAdmin(actor)) {
      throw forbidden(undefined, 'Only admins can create API keys for other users');
    }
    if (!(await this.users.exists(userId))) throw UsersErrors.notFound();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw ApiKeysErrors.expiryInPast();
    const active = await this.keys.countBy([
      { userId, revokedAt: IsNull(), expiresAt: IsNull() },
      { userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    ]);
    if (active >= MAX_ACTIVE_KEYS_PER_USER) throw ApiKeysErrors.tooMany(MAX_ACTIVE_KEYS_PER_USER);
    const { id, key } = await this.insertWithFreshPrefix(userId, input.name.trim(), expiresAt);
    const entity = await this.keys.findOneByOrFail({ id });
    const target = { type: 'api_key', id };
    await this.audit.recordChange(AuditAction.ApiKeyCreate, target, null, toApiKeyView(entity));
    return { entity, key };
  }

  async list(actor: Principal, query: ListApiKeysQuery): Promise<Page<ApiKeyEntity>> {
    const userId = this.visibleUserId(actor, query.userId);
    const where: FindOptionsWhere<ApiKeyEntity> = {
      ...(userId && { userId }),
      ...(!query.includeRevoked && { revokedAt: IsNull() }),
    };
    const [items, total] = await this.keys.findAndCount({
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /** A key the caller may see (their own, or any for admins); 404 otherwise. */
  async get(actor: Principal, id: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findOneBy({ id });
    if (!key || (key.userId !== actor.userId && !isAdmin(actor))) throw ApiKeysErrors.notFound();
    return key;
  }

  /** Revokes a key at once (idempotent). The row stays, for the record. */
  async revoke(actor: Principal, id: string): Promise<ApiKeyEntity> {
    const key = await this.get(actor, id);
    if (!key.revokedAt) {
      await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    }
    this.byPrefix.delete(key.prefix);
    this.changes.publish({ kind: 'apiKey', id });
    const after = await this.keys.findOneByOrFail({ id });
    const target = { type: 'api_key', id };
    await this.audit.recordChange(
      AuditAction.ApiKeyRevoke,
      target,
      toApiKeyView(key),
      toApiKeyView(after),
    );
    return after;
  }

  async findById(id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ id });
  }

  /** Several keys' standing at once, from the database (for re-checking open work). */
  async findStanding(ids: readonly string[]): Promise<Map<string, ApiKeyStanding>> {
    if (ids.length === 0) return new Map();
    const rows = await this.keys.find({
      where: { id: In([...ids]) },
      select: { id: true, userId: true, revokedAt: true, expiresAt: true },
    });
    return new Map(
      rows.map((row) => [
        row.id,
        {
          userId: row.userId,
          revoked: row.revokedAt !== null,
          expiresAt: row.expiresAt?.getTime() ?? null,
        },
      ]),
    );
  }

  private visibleUserId(actor: Principal, requested: string | undefined): string | undefined {
    if (isAdmin(actor)) return requested;
    if (requested && requested !== actor.userId) {
      throw forbidden(undefined, "Only admins can list other users' API keys");
    }
    return actor.userId;
  }

  private async loadForAuth(prefix: string): Promise<CachedKey | undefined> {
    const row = await this.keys.findOneBy({ prefix });
    if (!row) return undefined;
    const cached: CachedKey = {
      id: row.id,
      userId: row.userId,
      name: row.name,
      keyHash: row.keyHash,
      expiresAt: row.expiresAt?.getTime() ?? null,
      revoked: row.revokedAt !== null,
    };
    this.byPrefix.set(prefix, cached);
    return cached;
  }

  /** Records use in the background, at most once a minute per key. */
  private noteUse(id: string): void {
    if (this.lastUsedWritten.has(id)) return;
    this.lastUsedWritten.set(id, true);
    this.keys.update(id, { lastUsedAt: () => 'now()' }).catch((error: unknown) => {
      this.logger.warn({ err: error, apiKeyId: id }, 'could not record API key use');
    });
  }

  /** The 32-bit visible prefix may, rarely, collide: draw again. */
  private async insertWithFreshPrefix(
    userId: string,
    name: string,
    expiresAt: Date | null,
  ): Promise<{ id: string; key: string }> {
    for (let attempt = 1; ; attempt++) {
      const { key, prefix } = generateApiKey();
      try {
        const result = await this.keys.insert({
          userId,
          name,
          prefix,
          keyHash: hashSecret(key),
          expiresAt,
        });
        return { id: result.identifiers[0].id as string, key };
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }
}

function isAdmin(principal: Principal): boolean {
  return principal.roles.includes(Role.Admin);
}
