import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Live numbers read at scrape time; the tunnel and transfer-stats modules provide them. */
export interface LiveSources {
  sessions(): number;
  streamsInFlight(): number;
  transferRecordsBuffered(): number;
  /** Rows in budgeted tables and their budgets, as the last retention sweep found them. */
  tableUsage(): { table: string; rows: number; maxRows: number }[];
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The relay's Prometheus instruments, in a registry of its own (not prom-client's global
 * one), so each app instance reports only itself. Updating them is a few map lookups: safe on
 * the proxy's hot path.
 */
@Injectable()
export class OperationsMetrics {
  readonly registry = new Registry();
  private sources: Partial<LiveSources> = {};

  readonly proxyCalls = new Counter({
    name: 'intrabridge_proxy_calls_total',
    help: 'Proxied calls that ended, by agent, datasource and status class',
    labelNames: ['agent_id', 'datasource', 'status_class'] as const,
    registers: [this.registry],
  });

  readonly proxyBytes = new Counter({
    name: 'intrabridge_proxy_bytes_total',
    help: 'Body bytes of proxied calls: in = from callers to agents, out = back to callers',
    labelNames: ['agent_id', 'datasource', 'direction'] as const,
    registers: [this.registry],
  });

  readonly proxyDuration = new Histogram({
    name: 'intrabridge_proxy_duration_seconds',
    help: 'Duration of proxied calls, from routing to the last byte',
    labelNames: ['agent_id', 'datasource'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly tunnelConnects = new Counter({
    name: 'intrabridge_tunnel_connects_total',
    help: 'Agent sessions that completed the handshake',
    registers: [this.registry],
  });

  readonly tunnelReconnects = new Counter({
    name: 'intrabridge_tunnel_reconnects_total',
    help: 'Agent sessions opened by an agent that had been connected before (since start)',
    registers: [this.registry],
  });

  readonly tunnelDisconnects = new Counter({
    name: 'intrabridge_tunnel_disconnects_total',
    help: 'Agent sessions that ended, by WebSocket close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly tunnelRefused = new Counter({
    name: 'intrabridge_tunnel_upgrades_refused_total',
    help: 'Agent upgrades refused before authentication completed, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly securityDenials = new Counter({
    name: 'intrabridge_security_denials_total',
    help: 'Requests refused by IP rules or rate limits, by reason and scope',
    labelNames: ['reason', 'scope'] as const,
    registers: [this.registry],
  });

  readonly auditEvents = new Counter({
    name: 'intrabridge_audit_events_total',
    help: 'Audit events committed, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly auditWriteFailures = new Counter({
    name: 'intrabridge_audit_write_failures_total',
    help: 'Audit events that could not be committed',
    registers: [this.registry],
  });

  readonly auditSuppressed = new Counter({
    name: 'intrabridge_audit_denials_suppressed_total',
    help: 'Repeated denials not written again within AUDIT_DENIAL_DEDUP',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly transferRecordsWritten = new Counter({
    name: 'intrabridge_transfer_records_written_total',
    help: 'Transfer records written to the database',
    registers: [this.registry],
  });

  readonly transferRecordsDropped = new Counter({
    name: 'intrabridge_transfer_records_dropped_total',
    help: 'Transfer records dropped because the buffer was full (database unreachable)',
    registers: [this.registry],
  });

  constructor() {
    const sources = (): Partial<LiveSources> => this.sources;
    new Gauge({
      name: 'intrabridge_tunnel_sessions',
      help: 'Agent sessions currently connected',
      registers: [this.registry],
      collect() {
        this.set(sources().sessions?.() ?? 0);
      },
    });
    new Gauge({
      name: 'intrabridge_tunnel_streams_in_flight',
      help: 'Proxied calls currently streaming through agent tunnels',
      registers: [this.registry],
      collect() {
        this.set(sources().streamsInFlight?.() ?? 0);
      },
    });
    new Gauge({
      name: 'intrabridge_transfer_records_buffered',
      help: 'Transfer records waiting to be written',
      registers: [this.registry],
      collect() {
        this.set(sources().transferRecordsBuffered?.() ?? 0);
      },
    });
    new Gauge({
      name: 'intrabridge_table_rows',
      help: 'Rows in a table with a row budget, as its last retention sweep counted them',
      labelNames: ['table'] as const,
      registers: [this.registry],
      collect() {
        for (const usage of sources().tableUsage?.() ?? [])
          this.set({ table: usage.table }, usage.rows);
      },
    });
    new Gauge({
      name: 'intrabridge_table_row_budget',
      help: 'Row budget of a table (0: none); retention deletes the oldest rows past it',
      labelNames: ['table'] as const,
      registers: [this.registry],
      collect() {
        for (const usage of sources().tableUsage?.() ?? [])
          this.set({ table: usage.table }, usage.maxRows);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Connects a live number to its gauge (called once by the module that owns it). */
  provide(sources: Partial<LiveSources>): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
