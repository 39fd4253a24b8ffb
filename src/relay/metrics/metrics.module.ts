import { Module } from '@nestjs/common';
import { MetricsServer } from '../../shared/metrics/metrics-server';
import { RelayConfig } from '../relay.config';
import { MetricsController } from './metrics.controller';
import { MetricsRegistryModule } from './metrics-registry.module';
import { OperationsMetrics } from './operations-metrics';

/** The /metrics endpoint, on the metrics port or (METRICS_TOKEN alone) the API port. */
@Module({
  imports: [MetricsRegistryModule],
  controllers: [MetricsController],
  providers: [
    {
      provide: MetricsServer,
      useFactory: (config: RelayConfig, metrics: OperationsMetrics) =>
        new MetricsServer(config, metrics, true),
      inject: [RelayConfig, OperationsMetrics],
    },
  ],
})
export class MetricsModule {}
