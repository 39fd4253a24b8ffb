import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Subscription } from 'rxjs';
import type { Repository } from 'typeorm';
import { AppException } from '../../shared/errors/app.exception';
import type { DatasourceCatalogEntry } from '../../shared/protocol';
import { AgentsService } from '../agents/agents.service';
import { TunnelRegistry } from '../tunnel/tunnel-registry';
import { TunnelErrorCode } from '../tunnel/tunnel-error-code';
import { AgentCatalogEntity } from './agent-catalog.entity';

export interface AgentCatalogView {
  agentId: string;
  online: boolean;
  /** When the agent last announced this catalog; null if it never connected. */
  reportedAt: string | null;
  datasources: DatasourceCatalogEntry[];
}

/**
 * Each agent's datasource catalog: live from its session while connected (HELLO, then CATALOG
 * updates), and the last one it announced, kept in the database, while it is not.
 */
@Injectable()
export class AgentCatalogService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentCatalogService.name);
  private subscription?: Subscription;

  constructor(
    @InjectRepository(AgentCatalogEntity) private readonly catalogs: Repository<AgentCatalogEntity>,
    private readonly tunnels: TunnelRegistry,
    private readonly agents: AgentsService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.tunnels.events.subscribe((event) => {
      if (event.type === 'disconnected') return;
      const { agentId } = event.session.identity;
      this.save(agentId, event.session.catalog).catch((error: unknown) =>
        this.logger.warn({ agentId, err: error }, 'could not store the agent catalog'),
      );
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async view(agentId: string): Promise<AgentCatalogView> {
    const live = this.tunnels.get(agentId);
    if (live) {
      return {
        agentId,
        online: true,
        reportedAt: new Date().toISOString(),
        datasources: live.catalog,
      };
    }
    if (!(await this.agents.findById(agentId))) {
      throw new AppException(TunnelErrorCode.AgentNotFound, 'Unknown agent', 404);
    }
    const stored = await this.catalogs.findOneBy({ agentId });
    return {
      agentId,
      online: false,
      reportedAt: stored?.reportedAt.toISOString() ?? null,
      datasources: stored?.catalog ?? [],
    };
  }

  private async save(agentId: string, catalog: DatasourceCatalogEntry[]): Promise<void> {
    await this.catalogs.upsert({ agentId, catalog, reportedAt: new Date() }, ['agentId']);
  }
}
