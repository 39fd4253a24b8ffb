import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { AgentPresence } from '../agents/agent-presence';
import { AgentsService } from '../agents/agents.service';
import { TunnelRegistry } from './tunnel-registry';

/** How often the agents with a live session get their `lastSeenAt` refreshed. */
export const LAST_SEEN_INTERVAL_MS = Symbol('LAST_SEEN_INTERVAL_MS');
const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Keeps agents' `lastSeenAt` true: set when a session opens and when it ends, and refreshed
 * for every connected agent once a minute in one UPDATE (a few rows a minute, whatever the
 * call rate). Also connects the agent API's `online` field to the live sessions.
 */
@Injectable()
export class LastSeenTracker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LastSeenTracker.name);
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: TunnelRegistry,
    private readonly agents: AgentsService,
    private readonly presence: AgentPresence,
    @Optional()
    @Inject(LAST_SEEN_INTERVAL_MS)
    private readonly intervalMs: number = DEFAULT_INTERVAL_MS,
  ) {}

  onModuleInit(): void {
    this.presence.provide((agentId) => this.registry.get(agentId) !== undefined);
    this.subscription = this.registry.events.subscribe((event) => {
      if (event.type !== 'catalog') this.touch([event.session.identity.agentId]);
    });
    this.timer = setInterval(() => this.touchConnected(), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
    clearInterval(this.timer);
  }

  private touchConnected(): void {
    const ids = this.registry.list().map((session) => session.identity.agentId);
    if (ids.length > 0) this.touch(ids);
  }

  /** In the background: a database outage must not hold up the tunnel. */
  private touch(agentIds: string[]): void {
    this.agents.touchLastSeen(agentIds).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn({ reason, agents: agentIds.length }, 'could not record lastSeenAt');
    });
  }
}
