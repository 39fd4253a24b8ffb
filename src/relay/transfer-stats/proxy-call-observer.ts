import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { OperationsMetrics } from '../metrics/operations-metrics';
import { ProxyService, type ProxiedCall } from '../proxy/proxy.service';
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
  ) {}

  onModuleInit(): void {
    this.subscription = this.proxy.completed.subscribe((call) => this.observe(call));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  observe(call: ProxiedCall): void {
    try {
      this.recorder.record(call);
      const labels = { agent_id: call.agentId, datasource: call.datasource };
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

function statusClass(status: number): string {
  return status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : 'other';
}
