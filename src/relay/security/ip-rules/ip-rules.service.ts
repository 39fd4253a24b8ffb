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
import { isForeignKeyViolation } from '../../../shared/database/postgres-errors';
import { AuditAction } from '../../audit/audit-action';
import { AuditService } from '../../audit/audit.service';
import { RelayConfig } from '../../relay.config';
import { RequestContexts } from '../../request-context/request-context';
import { formatRange, parseRange } from '../../request-context/trusted-proxies';
import { RefreshingSnapshot } from '../refreshing-snapshot';
import { SecurityErrors } from '../security.exception';
import { SecurityScope } from '../security-scope';
import type { CreateIpRuleDto, UpdateIpRuleDto } from './dto/ip-rule.dto';
import type { ListIpRulesQuery } from './dto/ip-rule.query';
import { toIpRuleView } from './dto/ip-rule.view';
import { IpRuleEntity } from './ip-rule.entity';
import { ALLOWED_BY_DEFAULT, IpRuleLayer, type IpDecision } from './ip-rule-set';

/** Every enabled rule, split into the global layer and one layer per user and per API key. */
interface RuleBook {
  global: IpRuleLayer;
  users: Map<string, IpRuleLayer>;
  apiKeys: Map<string, IpRuleLayer>;
}

/** Whose rules apply beyond the global ones. */
export interface RuleSubject {
  userId?: string;
  apiKeyId?: string;
}

/**
 * IP allow/deny rules. Two layers must both allow a request: the global rules (checked
 * before authentication, for every caller) and the rules of the principal (checked after it;
 * a user's rules also bind that user's API keys). Rules live in memory and are re-read every
 * SECURITY_REFRESH_MS, at once after a change here.
 */
@Injectable()
export class IpRulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly book: RefreshingSnapshot<RuleBook>;

  constructor(
    @InjectRepository(IpRuleEntity) private readonly rules: Repository<IpRuleEntity>,
    private readonly config: RelayConfig,
    private readonly audit: AuditService,
  ) {
    this.book = new RefreshingSnapshot(
      'ip rules',
      async () => buildBook(await this.rules.findBy({ enabled: true })),
      config.SECURITY_REFRESH_MS,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.book.startWithFirstLoad();
  }

  onApplicationShutdown(): void {
    this.book.stop();
  }

  /** Whether this scope's rules are enforced at all (admin and tunnel can be switched off). */
  enforced(scope: SecurityScope): boolean {
    if (scope === SecurityScope.Admin) return this.config.IP_RULES_ENFORCE_ADMIN;
    if (scope === SecurityScope.Tunnel) return this.config.IP_RULES_ENFORCE_TUNNEL;
    return true;
  }

  async checkGlobal(ip: string, scope: SecurityScope): Promise<IpDecision> {
    if (!this.enforced(scope)) return ALLOWED_BY_DEFAULT;
    return (await this.book.get()).global.decide(ip, scope);
  }

  async checkPrincipal(
    ip: string,
    scope: SecurityScope,
    principal: Principal,
  ): Promise<IpDecision> {
    if (!this.enforced(scope)) return ALLOWED_BY_DEFAULT;
    return principalDecision(await this.book.get(), ip, scope, subjectOf(principal));
  }

  /** What the rules say about an address, for operators testing their rules. */
  async evaluate(
    ip: string,
    scope: SecurityScope,
    subject: RuleSubject,
  ): Promise<{ allowed: boolean; global: IpDecision; principal?: IpDecision }> {
    const book = await this.book.get();
    const global = book.global.decide(ip, scope);
    const hasSubject = subject.userId !== undefined || subject.apiKeyId !== undefined;
    const principal = hasSubject ? principalDecision(book, ip, scope, subject) : undefined;
    return { allowed: global.allowed && (principal?.allowed ?? true), global, principal };
  }

  async list(query: ListIpRulesQuery): Promise<IpRuleEntity[]> {
    const builder = this.rules
      .createQueryBuilder('r')
      .orderBy('r.priority', 'ASC')
      .addOrderBy('r.createdAt', 'ASC')
      .addOrderBy('r.id', 'ASC');
    if (query.scope) builder.andWhere(':scope = any(r.scopes)', { scope: query.scope });
    if (query.userId) builder.andWhere('r.userId = :userId', { userId: query.userId });
    if (query.apiKeyId) builder.andWhere('r.apiKeyId = :apiKeyId', { apiKeyId: query.apiKeyId });
    if (query.global === true) builder.andWhere('r.userId is null and r.apiKeyId is null');
    if (query.global === false)
      builder.andWhere('(r.userId is not null or r.apiKeyId is not null)');
    return builder.limit(10_000).getMany();
  }

  async get(id: string): Promise<IpRuleEntity> {
    const rule = await this.rules.findOneBy({ id });
    if (!rule) throw SecurityErrors.ipRuleNotFound();
    return rule;
  }

  async create(input: CreateIpRuleDto, actor: Principal): Promise<IpRuleEntity> {
    if (input.userId && input.apiKeyId) {
      throw new AppException(ErrorCode.ValidationFailed, 'Give userId or apiKeyId, not both', 400);
    }
    const candidate = {
      action: input.action,
      cidr: normalizeCidr(input.cidr),
      scopes: input.scopes ?? [SecurityScope.Proxy],
      userId: input.userId ?? null,
      apiKeyId: input.apiKeyId ?? null,
      priority: input.priority ?? 100,
      note: input.note ?? null,
      enabled: input.enabled ?? true,
      createdBy: actor.type === 'user' ? actor.userId : null,
    };
    assertScopesFitSubject(candidate);
    await this.assertNoLockout((rules) => [...rules, { ...candidate, id: 'candidate' }], actor);
    let id: string;
    try {
      const result = await this.rules.insert(candidate);
      id = result.identifiers[0].id as string;
    } catch (error) {
      if (isForeignKeyViolation(error)) throw SecurityErrors.subjectNotFound();
      throw error;
    }
    await this.book.reload();
    const created = await this.get(id);
    await this.audit.recordChange(
      AuditAction.IpRuleCreate,
      { type: 'ip_rule', id },
      null,
      toIpRuleView(created),
    );
    return created;
  }

  async update(id: string, changes: UpdateIpRuleDto, actor: Principal): Promise<IpRuleEntity> {
    const before = await this.get(id);
    const next = {
      ...before,
      ...(changes.action !== undefined && { action: changes.action }),
      ...(changes.cidr !== undefined && { cidr: normalizeCidr(changes.cidr) }),
      ...(changes.scopes !== undefined && { scopes: changes.scopes }),
      ...(changes.priority !== undefined && { priority: changes.priority }),
      ...(changes.note !== undefined && { note: changes.note }),
      ...(changes.enabled !== undefined && { enabled: changes.enabled }),
    };
    assertScopesFitSubject(next);
    await this.assertNoLockout((rules) => [...rules.filter((rule) => rule.id !== id), next], actor);
    await this.rules.update(id, {
      action: next.action,
      cidr: next.cidr,
      scopes: next.scopes,
      priority: next.priority,
      note: next.note,
      enabled: next.enabled,
    });
    await this.book.reload();
    const after = await this.get(id);
    await this.audit.recordChange(
      AuditAction.IpRuleUpdate,
      { type: 'ip_rule', id },
      toIpRuleView(before),
      toIpRuleView(after),
    );
    return after;
  }

  async delete(id: string, actor: Principal): Promise<void> {
    const before = await this.get(id);
    await this.assertNoLockout((rules) => rules.filter((rule) => rule.id !== id), actor);
    await this.rules.delete(id);
    await this.book.reload();
    await this.audit.recordChange(
      AuditAction.IpRuleDelete,
      { type: 'ip_rule', id },
      toIpRuleView(before),
      null,
    );
  }

  /**
   * Refuses a change after which the admin making it could no longer reach the admin API
   * from where they are now. IP_RULES_ENFORCE_ADMIN=false remains the way back in.
   */
  private async assertNoLockout(
    change: (rules: IpRuleEntity[]) => Array<Omit<IpRuleEntity, 'createdAt' | 'updatedAt'>>,
    actor: Principal,
  ): Promise<void> {
    const ip = RequestContexts.current()?.ip;
    if (!ip || !this.enforced(SecurityScope.Admin)) return;
    const prospective = change(await this.rules.find()).filter((rule) => rule.enabled);
    const book = buildBook(prospective);
    const allowed =
      book.global.decide(ip, SecurityScope.Admin).allowed &&
      principalDecision(book, ip, SecurityScope.Admin, subjectOf(actor)).allowed;
    if (!allowed) throw SecurityErrors.ipRuleLockout(ip);
  }
}

function buildBook(rules: ReadonlyArray<Omit<IpRuleEntity, 'createdAt' | 'updatedAt'>>): RuleBook {
  const group = (
    pick: (rule: (typeof rules)[number]) => string | null,
  ): Map<string, IpRuleLayer> => {
    const bySubject = new Map<string, (typeof rules)[number][]>();
    for (const rule of rules) {
      const key = pick(rule);
      if (!key) continue;
      bySubject.set(key, [...(bySubject.get(key) ?? []), rule]);
    }
    return new Map([...bySubject].map(([key, list]) => [key, new IpRuleLayer(list)]));
  };
  return {
    global: new IpRuleLayer(rules.filter((rule) => !rule.userId && !rule.apiKeyId)),
    users: group((rule) => rule.userId),
    apiKeys: group((rule) => rule.apiKeyId),
  };
}

function principalDecision(
  book: RuleBook,
  ip: string,
  scope: SecurityScope,
  subject: RuleSubject,
): IpDecision {
  const layers = [
    subject.userId ? book.users.get(subject.userId) : undefined,
    subject.apiKeyId ? book.apiKeys.get(subject.apiKeyId) : undefined,
  ];
  for (const layer of layers) {
    const decision = layer?.decide(ip, scope);
    if (decision && !decision.allowed) return decision;
  }
  const matched = layers.map((layer) => layer?.decide(ip, scope)).find((d) => d?.basis === 'rule');
  return matched ?? ALLOWED_BY_DEFAULT;
}

function subjectOf(principal: Principal): RuleSubject {
  return principal.type === 'apiKey'
    ? { userId: principal.userId, apiKeyId: principal.id }
    : { userId: principal.userId };
}

function normalizeCidr(text: string): string {
  const range = parseRange(text);
  if (!range) throw new AppException(ErrorCode.ValidationFailed, 'cidr is not a valid range', 400);
  return formatRange(range);
}

function assertScopesFitSubject(rule: {
  scopes: SecurityScope[];
  userId: string | null;
  apiKeyId: string | null;
}): void {
  if ((rule.userId || rule.apiKeyId) && rule.scopes.includes(SecurityScope.Tunnel)) {
    throw new AppException(
      ErrorCode.ValidationFailed,
      'The tunnel scope applies to agents, so only global rules can have it',
      400,
      [{ field: 'scopes', problems: ['tunnel is only for global rules'] }],
    );
  }
}
