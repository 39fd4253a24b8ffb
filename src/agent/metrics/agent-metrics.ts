import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TunnelState } from '../tunnel/tunnel-status';

/** Live numbers read at scrape time; the tunnel and data-log modules provide them. */
export interface AgentLiveSources {
  tunnelState(): TunnelState;
  rttMs(): number | undefined;
  streamsInFlight(): number;
  dataLogBuffered(): number;
  /** Data-log rows and their budget as the last retention sweep measured them. */
  dataLogUsage(): { rows: number; maxRows: number };
}

const TUNNEL_STATES: TunnelState[] = [
  'not-configured',
  'connecting',
  'connected',
  'backing-off',
  'auth-failed',
  'blocked',
  'stopped',
];

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The agent's Prometheus instruments, the same conventions as the relay's OperationsMetrics
 * (own registry, `intrabridge_agent_` prefix, bounded labels: datasource names come from the
 * agent's own configuration, codes from its error codes).
 */
@Injectable()
export class AgentMetrics {
  readonly registry = new Registry();
  private sources: Partial<AgentLiveSources> = {};

  readonly tunnelConnects = new Counter({
    name: 'intrabridge_agent_tunnel_connects_total',
    help: 'Tunnel sessions that completed the handshake with the relay',
    registers: [this.registry],
  });

  readonly tunnelReconnects = new Counter({
    name: 'intrabridge_agent_tunnel_reconnects_total',
    help: 'Tunnel sessions opened after an earlier one of this process ended',
    registers: [this.registry],
  });

  readonly tunnelDisconnects = new Counter({
    name: 'intrabridge_agent_tunnel_disconnects_total',
    help: 'Established tunnel sessions that ended, by WebSocket close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly tunnelAttemptsFailed = new Counter({
    name: 'intrabridge_agent_tunnel_attempts_failed_total',
    help: 'Connection attempts that failed before a session was up, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly calls = new Counter({
    name: 'intrabridge_agent_calls_total',
    help: 'Calls served, by datasource, status class and error code (none: no error)',
    labelNames: ['datasource', 'status_class', 'code'] as const,
    registers: [this.registry],
  });

  readonly bytes = new Counter({
    name: 'intrabridge_agent_bytes_total',
    help: 'Body bytes of served calls: in = request bodies, out = reply bodies',
    labelNames: ['datasource', 'direction'] as const,
    registers: [this.registry],
  });

  readonly upstreamDuration = new Histogram({
    name: 'intrabridge_agent_upstream_duration_seconds',
    help: 'From a call reaching its datasource to its reply delivered (or failed)',
    labelNames: ['datasource'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly dataLogWritten = new Counter({
    name: 'intrabridge_agent_data_log_written_total',
    help: 'Data-log rows written to the database',
    registers: [this.registry],
  });

  readonly dataLogDropped = new Counter({
    name: 'intrabridge_agent_data_log_dropped_total',
    help: 'Data-log rows dropped because the buffer was full (database unreachable)',
    registers: [this.registry],
  });

  constructor() {
    const sources = (): Partial<AgentLiveSources> => this.sources;
    new Gauge({
      name: 'intrabridge_agent_tunnel_state',
      help: 'The tunnel state: 1 for the current one, 0 for the others',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const current = sources().tunnelState?.();
        for (const state of TUNNEL_STATES) this.set({ state }, state === current ? 1 : 0);
      },
    });
    new Gauge({
      name: 'intrabridge_agent_tunnel_up',
      help: '1 while a tunnel session to the relay is up',
      registers: [this.registry],
      collect() {
        this.set(sources().tunnelState?.() === 'connected' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'intrabridge_agent_tunnel_rtt_seconds',
      help: 'Round trip of the last heartbeat to the relay (absent while not connected)',
      registers: [this.registry],
      collect() {
        this.reset();
        const rtt = sources().rttMs?.();
        if (rtt !== undefined) this.set(rtt / 1000);
      },
    });
    new Gauge({
      name: 'intrabridge_agent_streams_in_flight',
      help: 'Calls being served now',
      registers: [this.registry],
      collect() {
        this.set(sources().streamsInFlight?.() ?? 0);
      },
    });
    new Gauge({
      name: 'intrabridge_agent_data_log_buffered',
      help: 'Data-log rows waiting to be written',
      registers: [this.registry],
      collect() {
        this.set(sources().dataLogBuffered?.() ?? 0);
      },
    });
    new Gauge({
      name: 'intrabridge_agent_data_log_rows',
      help: 'Data-log rows as the last retention sweep counted them',
      registers: [this.registry],
      collect() {
        this.set(sources().dataLogUsage?.().rows ?? 0);
      },
    });
    new Gauge({
      name: 'intrabridge_agent_data_log_row_budget',
      help: 'DATA_LOG_MAX_ROWS, the data log row budget (0: none)',
      registers: [this.registry],
      collect() {
        this.set(sources().dataLogUsage?.().maxRows ?? 0);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Connects a live number to its gauge (called once by the module that owns it). */
  provide(sources: Partial<AgentLiveSources>): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** `2xx`, `4xx`...; anything outside HTTP's range is `other`. */
export function statusClass(status: number): string {
  return status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : 'other';
}
