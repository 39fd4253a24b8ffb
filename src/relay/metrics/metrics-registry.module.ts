import { Global, Module } from '@nestjs/common';
import { OperationsMetrics } from './operations-metrics';

/** The Prometheus instruments alone (no endpoint), for every module and for the CLI. */
@Global()
@Module({
  providers: [OperationsMetrics],
  exports: [OperationsMetrics],
})
export class MetricsRegistryModule {}
