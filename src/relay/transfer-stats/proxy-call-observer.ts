import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { OperationsMetrics } from '../metrics/operations-metrics';
import { ProxyService, type ProxiedCall } from '../proxy/proxy.service';
import { TunnelRegistry } from '../tunnel/tunnel-registry';
import { TransferRecorder } from './transfer-recorder';

/**
 * Listens to every finished proxied call: a transfer record (buffered) and the Prometheus
 * counters. Runs synchronously on the proxy's hot path, so it only appends and increments.
 */
@Injectable()
export class ProxyCallObserver implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ProxyCallObserver.name);
  private subscription?: Subscription;

  constructor(
    private readonly proxy: ProxyService,
    private readonly recorder: TransferRecorder,
    private readonly metrics: OperationsMetrics,
    private readonly tunnels: TunnelRegistry,
  ) {}

  onModuleInit(): void {
    this.subscription = this.proxy.completed.subscribe((call) => this.observe(call));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /**
   * A datasource name from the agent's catalog, else `unknown`: names come from callers' URLs,
   * and every distinct label value is a time series kept for ever.
   */
  private datasourceLabel(call: ProxiedCall): string {
    // A call may end as its agent's session closes: that session still names the catalog.
    const catalog = this.tunnels.current(call.agentId)?.catalog;
    const index = catalog?.findIndex((entry) => entry.name === call.datasource) ?? -1;
    return index >= 0 && index < MAX_DATASOURCE_LABELS ? call.datasource : 'unknown';
  }

  observe(call: ProxiedCall): void {
    try {
      this.recorder.record(call);
      const labels = { agent_id: call.agentId, datasource: this.datasourceLabel(call) };
      this.metrics.proxyCalls.inc({ ...labels, status_class: statusClass(call.status) });
      this.metrics.proxyBytes.inc({ ...labels, direction: 'in' }, call.bytesIn);
      this.metrics.proxyBytes.inc({ ...labels, direction: 'out' }, call.bytesOut);
      this.metrics.proxyDuration.observe(labels, call.durationMs / 1000);
    } catch (error) {
      // Never let statistics break the proxy's completion path.
      this.logger.error({ err: error }, 'could not record a proxied call');
    }
  }
}

/** Beyond this many datasources per agent, further names share one label. */
const MAX_DATASOURCE_LABELS = 200;

function statusClass(status: number): string {
  return status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : 'other';
}
