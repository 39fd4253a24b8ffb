import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { OperationsMetrics } from './operations-metrics';

/** Prometheus instruments every relay module may update, and the /metrics endpoint. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [OperationsMetrics, MetricsServer],
  exports: [OperationsMetrics],
})
export class MetricsModule {}
