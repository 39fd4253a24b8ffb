import { Module } from '@nestjs/common';
import { HealthModule } from '../../shared/health/health.module';
import { ConnectionConfigModule } from '../connection-config/connection-config.module';
import { ConnectionConfigService } from '../connection-config/connection-config.service';
import { DatasourceCatalog } from '../datasources/datasource-catalog';
import { DatasourceDispatcher } from '../datasources/datasource-dispatcher';
import { DatasourcesModule } from '../datasources/datasources.module';
import { TunnelClient } from './tunnel-client';
import { TunnelStatusController } from './tunnel-status.controller';
import { CALL_DISPATCHER, CATALOG_SOURCE, TUNNEL_SETTINGS } from './tunnel-settings';

@Module({
  imports: [HealthModule, DatasourcesModule, ConnectionConfigModule],
  controllers: [TunnelStatusController],
  providers: [
    TunnelClient,
    { provide: CATALOG_SOURCE, useExisting: DatasourceCatalog },
    { provide: CALL_DISPATCHER, useExisting: DatasourceDispatcher },
    { provide: TUNNEL_SETTINGS, useExisting: ConnectionConfigService },
  ],
  exports: [TunnelClient],
})
export class AgentTunnelModule {}
