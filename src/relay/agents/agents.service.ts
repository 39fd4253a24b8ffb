import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { Subject, type Observable } from 'rxjs';
import { In, type Repository } from 'typeorm';
import type { Page } from '../../shared/dto/page-query.dto';
import { isUniqueViolation, likeContains } from '../../shared/database/postgres-errors';
import { hashSecret, randomSecret, secretMatches } from '../credentials/opaque-secret';
import { LoginThrottleService } from '../login-throttle/login-throttle.service';
import { AgentEntity } from './agent.entity';
import { AgentTokenService } from './agent-token.service';
import { AgentsErrors } from './agents.exception';
import { toAgentView, type AgentView } from './dto/agent.view';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { SessionAudit } from '../audit/session-audit.service';
import type { AgentTokenView } from './dto/agent-token.view';
import type { ListAgentsQuery } from './dto/list-agents.query';

export const AGENT_SECRET_PREFIX = 'ibas_';
/** Compared against when the agent is unknown, so timing does not reveal which ids exist. */
const DECOY_HASH = hashSecret(randomSecret(AGENT_SECRET_PREFIX));

/** Emitted when an agent's live tunnel session must end at once. */
export interface AgentRevocation {
  agentId: string;
  reason: 'disabled' | 'rotated' | 'deleted';
}

export interface AgentChanges {
  name?: string;
  description?: string | null;
}

/** A newly issued agent secret, with the agent it belongs to; shown to the operator once. */
export interface AgentWithSecret {
  agent: AgentEntity;
  secret: string;
}

@Injectable()
export class AgentsService implements OnModuleDestroy {
  private readonly revoked = new Subject<AgentRevocation>();

  /** The tunnel gateway subscribes to close a revoked agent's session immediately. */
  readonly revocations: Observable<AgentRevocation> = this.revoked.asObservable();

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly tokens: AgentTokenService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
    private readonly sessionAudit: SessionAudit,
  ) {}

  onModuleDestroy(): void {
    this.revoked.complete();
  }

  async create(name: string, description?: string | null): Promise<AgentWithSecret> {
    const secret = randomSecret(AGENT_SECRET_PREFIX);
    try {
      const result = await this.agents.insert({
        name,
        description: description ?? null,
        enabled: true,
        secretHash: hashSecret(secret),
      });
      const agent = await this.get(result.identifiers[0].id as string);
      await this.auditChange(AuditAction.AgentCreate, agent.id, null, agent);
      return { agent, secret };
    } catch (error) {
      if (isUniqueViolation(error)) throw AgentsErrors.nameTaken();
      throw error;
    }
  }

  async list(query: ListAgentsQuery): Promise<Page<AgentEntity>> {
    const builder = this.agents
      .createQueryBuilder('a')
      .orderBy('a.createdAt', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .take(query.limit)
      .skip(query.offset);
    if (query.q) {
      builder.andWhere('(a.name ilike :q or a.description ilike :q)', { q: likeContains(query.q) });
    }
    if (query.enabled !== undefined) {
      builder.andWhere('a.enabled = :enabled', { enabled: query.enabled });
    }
    const [items, total] = await builder.getManyAndCount();
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<AgentEntity> {
    const agent = await this.agents.findOneBy({ id });
    if (!agent) throw AgentsErrors.notFound();
    return agent;
  }

  /** The agent's public view, or null (also for ids that are not UUIDs). */
  async findById(id: string): Promise<AgentView | null> {
    if (!isUUID(id)) return null;
    const agent = await this.agents.findOneBy({ id });
    return agent ? toAgentView(agent) : null;
  }

  async update(id: string, changes: AgentChanges): Promise<AgentEntity> {
    const before = await this.get(id);
    const set = {
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.description !== undefined && { description: changes.description }),
    };
    if (Object.keys(set).length === 0) return this.get(id);
    try {
      await this.agents.update(id, set);
    } catch (error) {
      if (isUniqueViolation(error)) throw AgentsErrors.nameTaken();
      throw error;
    }
    const after = await this.get(id);
    await this.auditChange(AuditAction.AgentUpdate, id, before, after);
    return after;
  }

  /** Disables the agent: its secret is refused and every token it holds dies for good. */
  async disable(id: string): Promise<AgentEntity> {
    const agent = await this.get(id);
    if (!agent.enabled) return agent;
    await this.agents.update(id, {
      enabled: false,
      tokenGeneration: () => 'token_generation + 1',
    });
    this.revoked.next({ agentId: id, reason: 'disabled' });
    const after = await this.get(id);
    await this.auditChange(AuditAction.AgentUpdate, id, agent, after);
    return after;
  }

  /** Enables the agent again; its secret works again, tokens from before stay dead. */
  async enable(id: string): Promise<AgentEntity> {
    const before = await this.get(id);
    await this.agents.update(id, { enabled: true });
    const after = await this.get(id);
    await this.auditChange(AuditAction.AgentUpdate, id, before, after);
    return after;
  }

  /** Issues a new secret; the old secret and all tokens stop working at once. */
  async rotateSecret(id: string): Promise<AgentWithSecret> {
    const before = await this.get(id);
    const secret = randomSecret(AGENT_SECRET_PREFIX);
    await this.agents.update(id, {
      secretHash: hashSecret(secret),
      tokenGeneration: () => 'token_generation + 1',
    });
    this.revoked.next({ agentId: id, reason: 'rotated' });
    const agent = await this.get(id);
    await this.auditChange(AuditAction.AgentSecretRotate, id, before, agent);
    return { agent, secret };
  }

  async delete(id: string): Promise<void> {
    const before = await this.agents.findOneBy({ id });
    const result = await this.agents.delete(id);
    if (!result.affected) throw AgentsErrors.notFound();
    this.revoked.next({ agentId: id, reason: 'deleted' });
    await this.auditChange(AuditAction.AgentDelete, id, before, null);
  }

  /**
   * Exchanges agent credentials for a short-lived agent token. Unknown agent, wrong secret and
   * disabled agent all give the same 401; failures count towards the login lockout.
   */
  async exchangeSecret(agentId: string, secret: string, ip: string): Promise<AgentTokenView> {
    const attempt = await this.throttle
      .begin({ scope: 'agent-token', name: agentId, ip })
      .catch((error: unknown) => this.sessionAudit.agentTokenRefused(agentId, error));
    const agent = await attempt.settle(() => this.findByCredentials(agentId, secret));
    if (!agent) {
      await this.sessionAudit.agentTokenFailed(agentId);
      throw AgentsErrors.invalidCredentials();
    }
    await this.sessionAudit.agentTokenIssued(agent);
    return {
      accessToken: this.tokens.issue(agent.id, agent.tokenGeneration),
      expiresIn: this.tokens.ttlSeconds,
      tokenType: 'Bearer',
    };
  }

  /** The enabled agent these credentials belong to, or null (same work whichever part is wrong). */
  private async findByCredentials(agentId: string, secret: string): Promise<AgentEntity | null> {
    const agent = isUUID(agentId) ? await this.agents.findOneBy({ id: agentId }) : null;
    const matches = secretMatches(secret, agent?.secretHash ?? DECOY_HASH);
    return agent && matches && agent.enabled ? agent : null;
  }

  /**
   * For the tunnel upgrade: the agent a token belongs to. Throws 401 (TOKEN_EXPIRED,
   * INVALID_TOKEN, TOKEN_REVOKED or AGENT_DISABLED) for a missing, bad, expired or revoked
   * token, or a disabled or deleted agent. Always reads the database: upgrades are rare and
   * must see a revocation made by any relay instance.
   */
  async verifyAgentToken(token: string): Promise<{ agentId: string; name: string }> {
    if (!token) throw AgentsErrors.invalidToken();
    const claims = this.tokens.verify(token);
    const agent = await this.agents.findOneBy({ id: claims.agentId });
    if (!agent) throw AgentsErrors.tokenRevoked();
    if (!agent.enabled) throw AgentsErrors.disabled();
    if (agent.tokenGeneration !== claims.generation) throw AgentsErrors.tokenRevoked();
    return { agentId: agent.id, name: agent.name };
  }

  /** Records that the agents are (or were, just now) connected; called by the tunnel. */
  async touchLastSeen(agentIds: string[]): Promise<void> {
    await this.agents.update(
      { id: In(agentIds) },
      { lastSeenAt: () => 'now()', updatedAt: () => 'updated_at' },
    );
  }

  /** Audits an administrative change with the agent's public view before and after. */
  private async auditChange(
    action: AuditAction,
    id: string,
    before: AgentEntity | null,
    after: AgentEntity | null,
  ): Promise<void> {
    await this.audit.recordChange(
      action,
      { type: 'agent', id },
      before && toAgentView(before),
      after && toAgentView(after),
    );
  }
}
