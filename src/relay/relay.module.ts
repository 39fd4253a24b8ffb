import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '../shared/config/config.module';
import { DatabaseModule } from '../shared/database/database.module';
import { HealthModule } from '../shared/health/health.module';
import { LifecycleModule } from '../shared/lifecycle/lifecycle.module';
import { LoggingModule } from '../shared/logging/logging.module';
import { DataPlaneModule } from './data-plane/data-plane.module';
import { IdentityModule } from './identity.module';
import { OperationsModule } from './operations/operations.module';
import { ProxyModule } from './proxy/proxy.module';
import { PROXY_ROUTES } from './proxy/proxy-target';
import { AgentCatalogModule } from './catalog/agent-catalog.module';
import { TunnelModule } from './tunnel/tunnel.module';
import type { RelayConfig } from './relay.config';
import { RELAY_SCHEMA } from './relay.schema';

/** Root of the public relay profile. */
@Module({})
export class RelayModule {
  static forRoot(config: RelayConfig): DynamicModule {
    return {
      module: RelayModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config, PROXY_ROUTES),
        DatabaseModule.forRoot(RELAY_SCHEMA),
        HealthModule,
        LifecycleModule,
        IdentityModule,
        TunnelModule,
        ProxyModule,
        AgentCatalogModule,
        OperationsModule,
        DataPlaneModule,
      ],
    };
  }
}
