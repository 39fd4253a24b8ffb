import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { auditTime, type Subscription } from 'rxjs';
import WebSocket from 'ws';
import { APP_VERSION } from '../../shared/config/app-version';
import { HealthService } from '../../shared/health/health.service';
import {
  CloseCode,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  FRAME_HEADER_SIZE,
  MAX_NEGOTIABLE_FRAME_SIZE,
} from '../../shared/protocol';
import { AgentConfig } from '../agent.config';
import { AgentMetrics } from '../metrics/agent-metrics';
import { AgentConnection } from './agent-connection';
import { ReconnectBackoff } from './reconnect-backoff';
import {
  AgentAuthError,
  exchangeAgentToken,
  refusalError,
  tlsOptions,
  tunnelUrl,
} from './relay-endpoints';
import {
  CALL_DISPATCHER,
  CATALOG_SOURCE,
  TUNNEL_SETTINGS,
  type CallDispatcher,
  type CatalogSource,
  type TunnelSettings,
  type TunnelSettingsSource,
} from './tunnel-settings';
import type { TunnelState, TunnelStatus } from './tunnel-status';

const HANDSHAKE_TIMEOUT_MS = 10_000;
const STABLE_AFTER_MS = 30_000;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const MAX_REFUSAL_BYTES = 4096;
/**
 * Catalog changes within this long go out as one CATALOG (the latest): a script creating
 * hundreds of datasources must not spend the relay's control-frame budget (20/s).
 */
const CATALOG_COALESCE_MS = 100;
/** The relay's code for a kick with a block period (its own error enum is relay-only code). */
const AGENT_BLOCKED = 'AGENT_BLOCKED';

/**
 * Keeps the agent's one tunnel to the relay up: trade credentials for a token, open the
 * WebSocket, serve calls; after any loss, wait (exponential backoff, full jitter) and try
 * again. A change of connection settings reconnects at once; shutdown drains.
 */
@Injectable()
export class TunnelClient implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TunnelClient.name);
  private readonly backoff = new ReconnectBackoff({
    initialDelayMs: 500,
    maxDelayMs: 30_000,
    stableAfterMs: STABLE_AFTER_MS,
  });
  private connection?: AgentConnection;
  private stopped = false;
  private wake?: () => void;
  private subscriptions: Subscription[] = [];
  private loop?: Promise<void>;
  private readonly counters = { connects: 0, disconnects: 0, callsServed: 0 };
  private current: Pick<
    TunnelStatus,
    'state' | 'since' | 'lastError' | 'lastErrorCode' | 'blockedUntil' | 'retryInMs'
  > = {
    state: 'connecting',
    since: new Date().toISOString(),
  };
  private settings?: TunnelSettings;
  private sessionId?: string;

  constructor(
    private readonly config: AgentConfig,
    private readonly health: HealthService,
    @Inject(TUNNEL_SETTINGS) private readonly settingsSource: TunnelSettingsSource,
    @Inject(CATALOG_SOURCE) private readonly catalog: CatalogSource,
    @Inject(CALL_DISPATCHER) private readonly dispatcher: CallDispatcher,
    private readonly metrics: AgentMetrics,
  ) {
    metrics.provide({
      tunnelState: () => this.current.state,
      rttMs: () => (this.connection?.ready ? this.connection.rttMs : undefined),
      streamsInFlight: () => this.connection?.streamsInFlight ?? 0,
    });
  }

  onApplicationBootstrap(): void {
    this.health.register({ name: 'tunnel', check: async () => this.assertConnected() });
    this.subscriptions = [
      this.catalog.changes
        .pipe(auditTime(CATALOG_COALESCE_MS))
        .subscribe((entries) => this.connection?.sendCatalog(entries)),
      this.settingsSource.changes.subscribe(() => this.reconnectNow('connection settings changed')),
    ];
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.connection?.drainAndClose(this.config.SHUTDOWN_TIMEOUT_MS, 'agent shutting down');
    this.wake?.();
    await this.loop;
    this.setState('stopped');
  }

  status(): TunnelStatus {
    const connection = this.connection;
    return {
      ...this.current,
      relayUrl: this.settings?.relayUrl,
      agentId: this.settings?.agentId,
      sessionId: connection?.ready ? this.sessionId : undefined,
      rttMs: connection?.rttMs,
      ...this.counters,
      streamsInFlight: connection?.streamsInFlight ?? 0,
      bytesIn: connection?.stats.bytesIn ?? 0,
      bytesOut: connection?.stats.bytesOut ?? 0,
    };
  }

  /** Drops the current connection (if any) and connects again without waiting. */
  reconnectNow(reason: string): void {
    this.backoff.reset();
    this.connection?.close(CloseCode.GOING_AWAY, reason);
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.settings = await this.settingsSource.current();
      const { relayUrl, agentId, secret, reconnect } = this.settings;
      if (!relayUrl || !agentId || !secret) {
        this.setState('not-configured');
        await this.sleep(undefined);
        continue;
      }
      this.backoff.update({ ...reconnect, stableAfterMs: STABLE_AFTER_MS });
      const upSince = Date.now();
      try {
        await this.connectAndServe(this.settings);
      } catch (error) {
        const refused = error instanceof AgentAuthError ? error : undefined;
        this.current.lastError = (error as Error).message;
        this.current.lastErrorCode = refused?.code;
        this.current.blockedUntil = refused?.blockedUntil;
        this.logger.warn(
          {
            relayUrl,
            error: (error as Error).message,
            ...(refused?.code && { code: refused.code }),
            ...(refused?.blockedUntil && { blockedUntil: refused.blockedUntil }),
          },
          'tunnel attempt failed',
        );
        this.metrics.tunnelAttemptsFailed.inc({ reason: attemptFailure(error) });
        if (refused) this.setState(refused.code === AGENT_BLOCKED ? 'blocked' : 'auth-failed');
      }
      if (this.stopped) break;
      this.backoff.connectionEnded(Date.now() - upSince);
      const delay = this.backoff.next();
      if (this.current.state !== 'auth-failed' && this.current.state !== 'blocked')
        this.setState('backing-off');
      this.current.retryInMs = delay;
      await this.sleep(delay);
      this.current.retryInMs = undefined;
    }
  }

  private async connectAndServe(settings: TunnelSettings): Promise<void> {
    this.setState('connecting');
    const token = await exchangeAgentToken(
      settings.relayUrl!,
      settings.agentId!,
      settings.secret!,
      settings.tls,
    );
    const ws = await this.openSocket(settings, token);
    await new Promise<void>((resolve) => {
      this.connection = new AgentConnection(
        ws,
        {
          agentVersion: APP_VERSION,
          catalog: this.catalog.catalog(),
          dispatch: (call) => {
            this.counters.callsServed += 1;
            return this.dispatcher.dispatch(call);
          },
          heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
          maxBufferedBytes: MAX_BUFFERED_BYTES,
        },
        {
          onReady: (ack) => {
            this.sessionId = ack.sessionId;
            this.counters.connects += 1;
            this.metrics.tunnelConnects.inc();
            if (this.counters.connects > 1) this.metrics.tunnelReconnects.inc();
            this.current.lastError = undefined;
            this.current.lastErrorCode = undefined;
            this.current.blockedUntil = undefined;
            this.setState('connected');
            this.logger.log({ relayUrl: settings.relayUrl, sessionId: ack.sessionId }, 'tunnel up');
            // A catalog change that raced the handshake is sent again now.
            this.connection?.sendCatalog(this.catalog.catalog());
          },
          onGoAway: (message) => {
            this.logger.log({ message }, 'relay asked to drain; reconnecting');
            void this.connection?.drainAndClose(this.config.SHUTDOWN_TIMEOUT_MS, 'drained');
          },
          onClosed: (code, reason) => {
            if (this.current.state === 'connected') {
              this.counters.disconnects += 1;
              this.metrics.tunnelDisconnects.inc({ code: String(code) });
            }
            this.current.lastError = `closed ${code}${reason ? `: ${reason}` : ''}`;
            this.logger.warn({ code, reason }, 'tunnel closed');
            this.connection = undefined;
            resolve();
          },
        },
      );
    });
  }

  private openSocket(settings: TunnelSettings, token: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(tunnelUrl(settings.relayUrl!), {
        headers: { authorization: `Bearer ${token}` },
        perMessageDeflate: false,
        maxPayload: MAX_NEGOTIABLE_FRAME_SIZE + FRAME_HEADER_SIZE,
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
        ...(settings.relayUrl!.startsWith('https') || settings.relayUrl!.startsWith('wss')
          ? tlsOptions(settings.tls)
          : {}),
      });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        // The body says why (AGENT_BLOCKED and until when); a small JSON, capped anyway.
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_REFUSAL_BYTES) chunks.push(chunk);
        });
        res.once('end', () => {
          ws.terminate();
          const text = Buffer.concat(chunks).toString('utf8');
          reject(
            status === 401 || status === 403
              ? refusalError(status, 'the tunnel', text)
              : new Error(`relay answered the upgrade with ${status}`),
          );
        });
        res.once('error', (error) => reject(error));
      });
      ws.once('error', (error) => reject(error));
    });
  }

  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private setState(state: TunnelState): void {
    if (this.current.state === state) return;
    this.current = { ...this.current, state, since: new Date().toISOString() };
  }

  private assertConnected(): void {
    const { state } = this.current;
    // An agent with no relay to reach serves nobody: not ready, and the reason says what to set.
    if (state === 'not-configured') {
      throw new Error(
        'tunnel not-configured: set RELAY_URL, AGENT_ID and AGENT_SECRET, or PUT /api/v1/connection',
      );
    }
    if (state !== 'connected') {
      throw new Error(
        `tunnel ${state}${this.current.lastError ? `: ${this.current.lastError}` : ''}`,
      );
    }
  }
}

/** A bounded reason label: refused credentials, or anything else on the way. */
function attemptFailure(error: unknown): string {
  return error instanceof AgentAuthError ? 'auth' : 'connect';
}
