import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Subscription } from 'rxjs';
import { In, type FindOptionsWhere, type Repository } from 'typeorm';
import type { Principal } from '../../shared/auth/principal';
import { TtlCache } from '../../shared/cache/ttl-cache';
import type { Page } from '../../shared/dto/page-query.dto';
import { AgentsErrors } from '../agents/agents.exception';
import { AgentsService } from '../agents/agents.service';
import { ApiKeysErrors } from '../api-keys/api-keys.exception';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { UsersErrors } from '../users/users.exception';
import { UsersService } from '../users/users.service';
import type { CreateGrantDto } from './dto/create-grant.dto';
import type { ListGrantsQuery } from './dto/list-grants.query';
import { toGrantView } from './dto/grant.view';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { GrantIndex } from './grant-index';
import { GrantEntity } from './grant.entity';
import { GrantsErrors } from './grants.exception';
import { PrincipalChanges } from '../revocation/principal-changes';

/**
 * How long a principal's compiled grants are trusted. Changes through this process
 * invalidate at once; other relay instances see them within this time.
 */
export const GRANT_CACHE_MS = 30_000;

/**
 * Grants: deny by default. A user principal is allowed what grants naming that user allow;
 * an API key principal only what grants naming that key allow (not its owner's grants), so
 * each client system gets exactly the access it was given. Roles do not bypass grants: an
 * admin who needs proxy access grants it explicitly, which keeps every path to intranet data
 * visible in the grant list.
 */
@Injectable()
export class GrantsService implements OnModuleDestroy {
  /** Per principal: the (possibly still loading) index, so concurrent misses load once. */
  private readonly indexes = new TtlCache<string, Promise<GrantIndex>>({
    ttlMs: GRANT_CACHE_MS,
    maxEntries: 10_000,
  });
  private readonly agentEvents: Subscription;

  constructor(
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly agents: AgentsService,
    private readonly audit: AuditService,
    private readonly changes: PrincipalChanges,
  ) {
    // A deleted agent takes its grants with it (on delete cascade).
    this.agentEvents = agents.revocations.subscribe((event) => {
      if (event.reason === 'deleted') this.invalidate();
    });
  }

  onModuleDestroy(): void {
    this.agentEvents.unsubscribe();
  }

  /**
   * Whether `principal` may perform `operation` (an HTTP method or `query`) on `datasource`
   * of agent `agentId`. Microseconds on a cache hit; one query on a miss.
   */
  async check(
    principal: Principal,
    agentId: string,
    datasource: string,
    operation: string,
  ): Promise<boolean> {
    const index = await this.indexFor(principal);
    return index.allows(agentId, datasource, operation);
  }

  /** Like `check`, but throws 403 GRANT_REQUIRED when not allowed. */
  async assertAllowed(
    principal: Principal,
    agentId: string,
    datasource: string,
    operation: string,
  ): Promise<void> {
    if (!(await this.check(principal, agentId, datasource, operation))) {
      throw GrantsErrors.required(agentId, datasource, operation);
    }
  }

  async create(actor: Principal, input: CreateGrantDto): Promise<GrantEntity> {
    const { userId, apiKeyId } = input;
    if ((userId === undefined) === (apiKeyId === undefined)) throw GrantsErrors.oneSubject();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw GrantsErrors.expiryInPast();
    if (userId && !(await this.users.exists(userId))) throw UsersErrors.notFound();
    if (apiKeyId && !(await this.apiKeys.findById(apiKeyId))) throw ApiKeysErrors.notFound();
    if (!(await this.agents.findById(input.agentId))) throw AgentsErrors.notFound();
    const result = await this.grants.insert({
      userId: userId ?? null,
      apiKeyId: apiKeyId ?? null,
      agentId: input.agentId,
      datasource: input.datasource,
      operations: [...new Set(input.operations)],
      expiresAt,
      createdBy: actor.userId,
    });
    this.invalidate();
    const created = await this.get(result.identifiers[0].id as string);
    const target = { type: 'grant', id: created.id };
    await this.audit.recordChange(AuditAction.GrantCreate, target, null, toGrantView(created));
    return created;
  }

  async list(query: ListGrantsQuery): Promise<Page<GrantEntity>> {
    const where: FindOptionsWhere<GrantEntity> = {
      ...(query.userId && { userId: query.userId }),
      ...(query.apiKeyId && { apiKeyId: query.apiKeyId }),
      ...(query.agentId && { agentId: query.agentId }),
    };
    const [items, total] = await this.grants.findAndCount({
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<GrantEntity> {
    const grant = await this.grants.findOneBy({ id });
    if (!grant) throw GrantsErrors.notFound();
    return grant;
  }

  async delete(id: string): Promise<void> {
    const before = await this.grants.findOneBy({ id });
    const result = await this.grants.delete(id);
    if (!result.affected) throw GrantsErrors.notFound();
    this.invalidate();
    this.changes.publish({ kind: 'grant', id });
    const target = { type: 'grant', id };
    await this.audit.recordChange(
      AuditAction.GrantDelete,
      target,
      before && toGrantView(before),
      null,
    );
  }

  /** Forgets every compiled index; grants change rarely, so precision is not worth it. */
  invalidate(): void {
    this.indexes.clear();
  }

  /**
   * Several principals' grants at once, from the database (for re-checking open work), by
   * `grantSubjectKey`. Does not touch the cache.
   */
  async loadIndexes(principals: readonly Principal[]): Promise<Map<string, GrantIndex>> {
    const userIds = [...new Set(principals.filter(isUser).map((p) => p.userId))];
    const keyIds = [...new Set(principals.filter((p) => !isUser(p)).map((p) => p.id))];
    const where: FindOptionsWhere<GrantEntity>[] = [];
    if (userIds.length > 0) where.push({ userId: In(userIds) });
    if (keyIds.length > 0) where.push({ apiKeyId: In(keyIds) });
    if (where.length === 0) return new Map();
    const rows = await this.grants.find({
      where,
      select: {
        userId: true,
        apiKeyId: true,
        agentId: true,
        datasource: true,
        operations: true,
        expiresAt: true,
      },
    });
    const bySubject = new Map<string, GrantEntity[]>();
    for (const row of rows) {
      const key = row.userId ? `u:${row.userId}` : `k:${row.apiKeyId}`;
      bySubject.set(key, [...(bySubject.get(key) ?? []), row]);
    }
    return new Map([...bySubject].map(([key, list]) => [key, new GrantIndex(list)]));
  }

  private indexFor(principal: Principal): Promise<GrantIndex> {
    const key = grantSubjectKey(principal);
    const cached = this.indexes.get(key);
    if (cached) return cached;
    const loading = this.load(principal);
    this.indexes.set(key, loading);
    // A failed load must not be remembered.
    loading.catch(() => {
      if (this.indexes.get(key) === loading) this.indexes.delete(key);
    });
    return loading;
  }

  private async load(principal: Principal): Promise<GrantIndex> {
    const where: FindOptionsWhere<GrantEntity> =
      principal.type === 'user' ? { userId: principal.userId } : { apiKeyId: principal.id };
    const rows = await this.grants.find({
      where,
      select: { agentId: true, datasource: true, operations: true, expiresAt: true },
    });
    return new GrantIndex(rows);
  }
}

/** Whose grants apply to `principal`: the user's own, or the API key's own. */
export function grantSubjectKey(principal: Principal): string {
  return isUser(principal) ? `u:${principal.userId}` : `k:${principal.id}`;
}

function isUser(principal: Principal): boolean {
  return principal.type === 'user';
}
