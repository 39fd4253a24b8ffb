import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Principal } from '../../../shared/auth/principal';
import { AppException } from '../../../shared/errors/app.exception';
import { ErrorCode } from '../../../shared/errors/error-code';
import { isForeignKeyViolation, isUniqueViolation } from '../../../shared/database/postgres-errors';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { RelayConfig } from '../../relay.config';
import { RefreshingSnapshot } from '../refreshing-snapshot';
import { SecurityErrors } from '../security.exception';
import type { CreateRateLimitDto, UpdateRateLimitDto } from './dto/rate-limit.dto';
import { toRateLimitView } from './dto/rate-limit.view';
import { RateLimitEntity } from './rate-limit.entity';

/** The limit that applies to one principal, and where it came from. */
export interface EffectiveLimit {
  /** Requests per window; 0 means not limited. */
  limit: number;
  windowMs: number;
  source: 'api-key' | 'user' | 'default';
}

interface Overrides {
  users: Map<string, RateLimitEntity>;
  apiKeys: Map<string, RateLimitEntity>;
}

/**
 * Per-principal rate limits: RATE_LIMIT_PER_PRINCIPAL by default, replaced for a user or an
 * API key by an override stored in the database. An API key uses its own override, else its
 * owner's, else the default. Overrides are cached and re-read every SECURITY_REFRESH_MS, at
 * once after a change through this relay, so a new limit applies to the very next request.
 */
@Injectable()
export class RateLimitsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly overrides: RefreshingSnapshot<Overrides>;

  constructor(
    @InjectRepository(RateLimitEntity) private readonly limits: Repository<RateLimitEntity>,
    private readonly config: RelayConfig,
    private readonly audit: AuditService,
  ) {
    this.overrides = new RefreshingSnapshot(
      'rate limits',
      async () => indexOverrides(await this.limits.find()),
      config.SECURITY_REFRESH_MS,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.overrides.startWithFirstLoad();
  }

  onApplicationShutdown(): void {
    this.overrides.stop();
  }

  async effectiveLimit(principal: Principal): Promise<EffectiveLimit> {
    const { users, apiKeys } = await this.overrides.get();
    const own = principal.type === 'apiKey' ? apiKeys.get(principal.id) : undefined;
    if (own) return fromOverride(own, 'api-key');
    const owner = users.get(principal.userId);
    if (owner) return fromOverride(owner, 'user');
    return {
      limit: this.config.RATE_LIMIT_PER_PRINCIPAL,
      windowMs: this.config.RATE_LIMIT_WINDOW * 1000,
      source: 'default',
    };
  }

  async list(): Promise<RateLimitEntity[]> {
    return this.limits.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(id: string): Promise<RateLimitEntity> {
    const limit = await this.limits.findOneBy({ id });
    if (!limit) throw SecurityErrors.rateLimitNotFound();
    return limit;
  }

  async create(input: CreateRateLimitDto, actor: Principal): Promise<RateLimitEntity> {
    if (Boolean(input.userId) === Boolean(input.apiKeyId)) {
      throw new AppException(
        ErrorCode.ValidationFailed,
        'Give exactly one of userId or apiKeyId',
        400,
        [{ field: 'userId', problems: ['give exactly one of userId or apiKeyId'] }],
      );
    }
    let id: string;
    try {
      const result = await this.limits.insert({
        userId: input.userId ?? null,
        apiKeyId: input.apiKeyId ?? null,
        maxRequests: input.maxRequests,
        windowSeconds: input.windowSeconds ?? this.config.RATE_LIMIT_WINDOW,
        note: input.note ?? null,
        createdBy: actor.type === 'user' ? actor.userId : null,
      });
      id = result.identifiers[0].id as string;
    } catch (error) {
      if (isUniqueViolation(error)) throw SecurityErrors.rateLimitExists();
      if (isForeignKeyViolation(error)) throw SecurityErrors.subjectNotFound();
      throw error;
    }
    await this.overrides.reload();
    const created = await this.get(id);
    await this.audit.recordChange(
      AuditAction.RateLimitCreate,
      { type: 'rate_limit', id },
      null,
      toRateLimitView(created),
    );
    return created;
  }

  async update(id: string, changes: UpdateRateLimitDto): Promise<RateLimitEntity> {
    const before = await this.get(id);
    await this.limits.update(id, {
      ...(changes.maxRequests !== undefined && { maxRequests: changes.maxRequests }),
      ...(changes.windowSeconds !== undefined && { windowSeconds: changes.windowSeconds }),
      ...(changes.note !== undefined && { note: changes.note }),
    });
    await this.overrides.reload();
    const after = await this.get(id);
    await this.audit.recordChange(
      AuditAction.RateLimitUpdate,
      { type: 'rate_limit', id },
      toRateLimitView(before),
      toRateLimitView(after),
    );
    return after;
  }

  async delete(id: string): Promise<void> {
    const before = await this.get(id);
    await this.limits.delete(id);
    await this.overrides.reload();
    await this.audit.recordChange(
      AuditAction.RateLimitDelete,
      { type: 'rate_limit', id },
      toRateLimitView(before),
      null,
    );
  }
}

function indexOverrides(limits: RateLimitEntity[]): Overrides {
  const users = new Map<string, RateLimitEntity>();
  const apiKeys = new Map<string, RateLimitEntity>();
  for (const limit of limits) {
    if (limit.userId) users.set(limit.userId, limit);
    if (limit.apiKeyId) apiKeys.set(limit.apiKeyId, limit);
  }
  return { users, apiKeys };
}

function fromOverride(limit: RateLimitEntity, source: EffectiveLimit['source']): EffectiveLimit {
  return { limit: limit.maxRequests, windowMs: limit.windowSeconds * 1000, source };
}
