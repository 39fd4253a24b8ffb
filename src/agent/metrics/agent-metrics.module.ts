import { Global, Module } from '@nestjs/common';
import { MetricsServer } from '../../shared/metrics/metrics-server';
import { AgentConfig } from '../agent.config';
import { AgentMetrics } from './agent-metrics';

/**
 * The agent's instruments, for every agent module, and /metrics on the metrics port
 * (127.0.0.1:9465 by default). The admin API port does not serve it: that port takes the
 * admin token, and a scraper should not hold it.
 */
@Global()
@Module({
  providers: [
    AgentMetrics,
    {
      provide: MetricsServer,
      useFactory: (config: AgentConfig, metrics: AgentMetrics) =>
        new MetricsServer(config, metrics, false),
      inject: [AgentConfig, AgentMetrics],
    },
  ],
  exports: [AgentMetrics],
})
export class AgentMetricsModule {}
