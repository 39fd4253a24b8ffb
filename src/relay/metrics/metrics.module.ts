import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsRegistryModule } from './metrics-registry.module';
import { MetricsServer } from './metrics-server';

/** The /metrics endpoint, on the API port or on METRICS_PORT. */
@Module({
  imports: [MetricsRegistryModule],
  controllers: [MetricsController],
  providers: [MetricsServer],
})
export class MetricsModule {}
