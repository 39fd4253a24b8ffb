import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Subject, type Subscription } from 'rxjs';
import type WebSocket from 'ws';
import { ShutdownDrain } from '../../shared/lifecycle/shutdown-drain';
import { CloseCode } from '../../shared/protocol';
import { AgentsService } from '../agents/agents.service';
import { RelayConfig } from '../relay.config';
import { TunnelErrorCode } from './tunnel-error-code';
import { TunnelSession, type SessionIdentity } from './tunnel-session';

export type TunnelEvent =
  | { type: 'connected'; session: TunnelSession }
  | { type: 'disconnected'; session: TunnelSession; code: number; reason: string }
  | { type: 'catalog'; session: TunnelSession };

const HELLO_TIMEOUT_MS = 10_000;
/** After the calls have drained: time for agents to act on GOAWAY and close themselves. */
const GOAWAY_GRACE_MS = 1_000;

/**
 * Live agent sessions, one per agent id: a newer connection replaces the older one, and a
 * disabled, rotated or deleted agent is cut off at once.
 */
@Injectable()
export class TunnelRegistry implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(TunnelRegistry.name);
  private readonly sessions = new Map<string, TunnelSession>();
  private readonly pending = new Set<TunnelSession>();
  private readonly eventsSubject = new Subject<TunnelEvent>();
  private revocations?: Subscription;
  readonly events = this.eventsSubject.asObservable();

  constructor(
    private readonly config: RelayConfig,
    private readonly agents: AgentsService,
    private readonly shutdown: ShutdownDrain,
  ) {}

  onModuleInit(): void {
    this.shutdown.register({
      inFlight: () => this.list().reduce((sum, session) => sum + session.streamsInFlight, 0),
      endRemaining: () => {
        for (const session of this.list()) {
          session.endStreams(
            TunnelErrorCode.RelayShutdown,
            'The relay shut down before the call finished',
          );
        }
      },
    });
    this.revocations = this.agents.revocations.subscribe(({ agentId, reason }) => {
      this.sessions.get(agentId)?.close(CloseCode.AGENT_DISABLED, `agent credentials ${reason}`);
    });
  }

  onModuleDestroy(): void {
    this.revocations?.unsubscribe();
    this.eventsSubject.complete();
  }

  /**
   * Tells every agent to reconnect elsewhere, then closes their sessions. Calls in flight
   * have had their SHUTDOWN_TIMEOUT_MS already (ShutdownDrain runs before Nest's hooks).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const live = [...this.sessions.values()];
    if (live.length === 0) return;
    for (const session of live) session.drain('relay shutting down');
    await new Promise((resolve) => setTimeout(resolve, GOAWAY_GRACE_MS));
    for (const session of live) session.close(CloseCode.GOING_AWAY, 'relay shutting down');
  }

  get(agentId: string): TunnelSession | undefined {
    const session = this.sessions.get(agentId);
    return session?.state === 'ready' ? session : undefined;
  }

  /** The agent's session whatever its state (still opening, ready or closing). */
  current(agentId: string): TunnelSession | undefined {
    return this.sessions.get(agentId);
  }

  list(): TunnelSession[] {
    return [...this.sessions.values()];
  }

  findBySessionId(sessionId: string): TunnelSession | undefined {
    return this.list().find((session) => session.id === sessionId);
  }

  /** Takes a freshly upgraded, authenticated socket; it becomes routable after HELLO. */
  accept(ws: WebSocket, identity: SessionIdentity): TunnelSession {
    const session = new TunnelSession(
      ws,
      identity,
      {
        maxStreams: this.config.TUNNEL_MAX_STREAMS,
        heartbeatIntervalMs: this.config.TUNNEL_HEARTBEAT_MS,
        maxFrameSize: this.config.TUNNEL_MAX_FRAME_BYTES,
        initialWindow: this.config.TUNNEL_STREAM_WINDOW_BYTES,
        maxBufferedBytes: this.config.TUNNEL_MAX_BUFFERED_BYTES,
        helloTimeoutMs: HELLO_TIMEOUT_MS,
        frameRate: {
          perSecond: this.config.TUNNEL_MAX_FRAMES_PER_S,
          burst: 2 * this.config.TUNNEL_MAX_FRAMES_PER_S,
        },
        controlFrameRate: {
          perSecond: this.config.TUNNEL_MAX_CONTROL_FRAMES_PER_S,
          burst: 10 * this.config.TUNNEL_MAX_CONTROL_FRAMES_PER_S,
        },
      },
      {
        onReady: (ready) => this.register(ready),
        onCatalog: (changed) => this.eventsSubject.next({ type: 'catalog', session: changed }),
        onClosed: (closed, code, reason) => this.unregister(closed, code, reason),
      },
    );
    this.pending.add(session);
    return session;
  }

  private register(session: TunnelSession): void {
    this.pending.delete(session);
    const previous = this.sessions.get(session.identity.agentId);
    this.sessions.set(session.identity.agentId, session);
    previous?.close(CloseCode.REPLACED_BY_NEW_SESSION, 'replaced by a newer connection');
    this.logger.log(
      {
        agentId: session.identity.agentId,
        sessionId: session.id,
        remoteIp: session.identity.remoteIp,
        agentVersion: session.agentVersion,
        datasources: session.catalog.length,
      },
      'agent connected',
    );
    this.eventsSubject.next({ type: 'connected', session });
  }

  private unregister(session: TunnelSession, code: number, reason: string): void {
    this.pending.delete(session);
    if (this.sessions.get(session.identity.agentId) === session) {
      this.sessions.delete(session.identity.agentId);
    }
    if (session.agentVersion === '' && session.protocolVersion === 0) return;
    this.logger.log(
      { agentId: session.identity.agentId, sessionId: session.id, code, reason },
      'agent disconnected',
    );
    this.eventsSubject.next({ type: 'disconnected', session, code, reason });
  }
}
