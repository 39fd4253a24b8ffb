import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subject, type Subscription } from 'rxjs';
import type { Principal } from '../../shared/auth/principal';
import { CloseCode } from '../../shared/protocol';
import { AuditActorType, AuditAction, AuditOutcome } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { OperationsMetrics } from '../metrics/operations-metrics';
import type { TunnelEvent } from '../tunnel/tunnel-registry';
import { TunnelRegistry } from '../tunnel/tunnel-registry';
import type { TunnelSession } from '../tunnel/tunnel-session';
import type { AgentBlockEntity } from './agent-block.entity';
import { ConnectionBlocks } from './connection-blocks.service';
import { ConnectionsErrors } from './connections.exception';
import type { ConnectionEventView } from './dto/connection-event.view';
import { toConnectionView, type ConnectionView } from './dto/connection.view';
import type { KickResultView } from './dto/kick-result.view';

/** WebSocket close reasons are limited to 123 bytes. */
const MAX_CLOSE_REASON = 100;

/**
 * The connection monitor: live sessions from the tunnel registry, kicks with optional block
 * periods, and a feed of connect / disconnect / kick events. It also turns tunnel events into
 * audit events and metrics.
 */
@Injectable()
export class ConnectionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ConnectionsService.name);
  private readonly eventsSubject = new Subject<ConnectionEventView>();
  /** Agents seen since start, to tell reconnects apart (one entry per agent). */
  private readonly seenAgents = new Set<string>();
  private subscription?: Subscription;
  readonly events = this.eventsSubject.asObservable();

  constructor(
    private readonly registry: TunnelRegistry,
    private readonly blocks: ConnectionBlocks,
    private readonly audit: AuditService,
    private readonly metrics: OperationsMetrics,
  ) {}

  onModuleInit(): void {
    this.subscription = this.registry.events.subscribe((event) => this.observe(event));
    this.metrics.provide({
      sessions: () => this.live().length,
      streamsInFlight: () => this.live().reduce((sum, session) => sum + session.streamsInFlight, 0),
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.eventsSubject.complete();
  }

  list(): ConnectionView[] {
    return this.live()
      .sort((a, b) => a.connectedAt.getTime() - b.connectedAt.getTime())
      .map(toConnectionView);
  }

  get(sessionId: string): ConnectionView {
    return toConnectionView(this.session(sessionId));
  }

  /**
   * Closes a session with KICKED. With a block period the agent's upgrades are refused until
   * it ends; the block is stored before the socket closes, so an immediate reconnect is
   * already refused. The kick is audited before the answer.
   */
  async kick(
    sessionId: string,
    options: { blockSeconds?: number; reason?: string },
    actor: Principal,
  ): Promise<KickResultView> {
    const session = this.session(sessionId);
    const { agentId, agentName, remoteIp } = session.identity;
    const blockSeconds = options.blockSeconds ?? 0;
    let block: AgentBlockEntity | undefined;
    if (blockSeconds > 0) {
      block = await this.blocks.block({
        agentId,
        seconds: blockSeconds,
        reason: options.reason ?? null,
        createdBy: actor.type === 'user' ? actor.userId : null,
      });
    }
    const blockedUntil = block?.blockedUntil.toISOString() ?? null;
    await this.audit.record({
      action: AuditAction.ConnectionKick,
      outcome: AuditOutcome.Success,
      target: { type: 'agent', id: agentId },
      details: {
        sessionId,
        agentName,
        remoteIp,
        blockSeconds,
        blockedUntil,
        reason: options.reason,
      },
    });
    this.eventsSubject.next({
      ...this.eventBase('kick', session),
      code: CloseCode.KICKED,
      reason: options.reason,
      blockedUntil,
      by: actor.name,
    });
    session.close(CloseCode.KICKED, closeReason(options.reason, blockedUntil));
    return { sessionId, agentId, blockedUntil };
  }

  async activeBlocks(): Promise<AgentBlockEntity[]> {
    return this.blocks.active();
  }

  async unblock(agentId: string): Promise<void> {
    const lifted = await this.blocks.lift(agentId);
    if (!lifted) throw ConnectionsErrors.blockNotFound();
    await this.audit.record({
      action: AuditAction.ConnectionUnblock,
      outcome: AuditOutcome.Success,
      target: { type: 'agent', id: agentId },
      details: { blockedUntil: lifted.blockedUntil.toISOString(), reason: lifted.reason },
    });
  }

  private live(): TunnelSession[] {
    return this.registry
      .list()
      .filter((session) => session.state === 'ready' || session.state === 'draining');
  }

  private session(sessionId: string): TunnelSession {
    const session = this.registry.findBySessionId(sessionId);
    if (!session || session.state === 'closed') throw ConnectionsErrors.notFound();
    return session;
  }

  private observe(event: TunnelEvent): void {
    const { session } = event;
    switch (event.type) {
      case 'connected': {
        const agentId = session.identity.agentId;
        this.metrics.tunnelConnects.inc();
        if (this.seenAgents.has(agentId)) this.metrics.tunnelReconnects.inc();
        this.seenAgents.add(agentId);
        this.auditInBackground(AuditAction.AgentConnect, session, {
          agentVersion: session.agentVersion,
          protocolVersion: session.protocolVersion,
          datasources: session.catalog.length,
        });
        this.eventsSubject.next(this.eventBase('connect', session));
        return;
      }
      case 'disconnected': {
        this.metrics.tunnelDisconnects.inc({ code: String(event.code) });
        const stats = session.stats;
        this.auditInBackground(AuditAction.AgentDisconnect, session, {
          code: event.code,
          reason: event.reason,
          connectedForMs: Date.now() - session.connectedAt.getTime(),
          calls: session.calls,
          bytesIn: stats.bytesIn,
          bytesOut: stats.bytesOut,
        });
        this.eventsSubject.next({
          ...this.eventBase('disconnect', session),
          code: event.code,
          reason: event.reason,
        });
        return;
      }
      case 'catalog':
        this.eventsSubject.next(this.eventBase('catalog', session));
        return;
    }
  }

  /** Tunnel events happen outside any request: nothing waits on them, failures are logged. */
  private auditInBackground(
    action: AuditAction,
    session: TunnelSession,
    details: Record<string, unknown>,
  ): void {
    const { agentId, agentName, remoteIp } = session.identity;
    this.audit
      .record({
        action,
        outcome: AuditOutcome.Success,
        actor: { type: AuditActorType.Agent, id: agentId, name: agentName, ip: remoteIp },
        target: { type: 'agent', id: agentId },
        details: { sessionId: session.id, ...details },
      })
      .catch((error: unknown) =>
        this.logger.error({ err: error, action, agentId }, 'could not audit a tunnel event'),
      );
  }

  private eventBase(
    type: ConnectionEventView['type'],
    session: TunnelSession,
  ): ConnectionEventView {
    return {
      type,
      at: new Date().toISOString(),
      sessionId: session.id,
      agentId: session.identity.agentId,
      agentName: session.identity.agentName,
      remoteIp: session.identity.remoteIp,
    };
  }
}

function closeReason(reason: string | undefined, blockedUntil: string | null): string {
  const text = blockedUntil
    ? `kicked; blocked until ${blockedUntil}`
    : (reason ?? 'kicked by an operator');
  let out = text.slice(0, MAX_CLOSE_REASON);
  while (Buffer.byteLength(out) > 120) out = out.slice(0, -1);
  return out;
}
