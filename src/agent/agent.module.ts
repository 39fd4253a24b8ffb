import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '../shared/config/config.module';
import { DatabaseModule } from '../shared/database/database.module';
import { HealthModule } from '../shared/health/health.module';
import { LifecycleModule } from '../shared/lifecycle/lifecycle.module';
import { LoggingModule } from '../shared/logging/logging.module';
import { AdminAuthModule } from './admin-auth/admin-auth.module';
import type { AgentConfig } from './agent.config';
import { AGENT_SCHEMA } from './agent.schema';
import { AgentTunnelModule } from './tunnel/tunnel.module';
import { ConnectionConfigModule } from './connection-config/connection-config.module';
import { DataLogModule } from './data-log/data-log.module';
import { DatasourcesModule } from './datasources/datasources.module';
import { AgentMetricsModule } from './metrics/agent-metrics.module';

/** Root of the intranet agent profile. */
@Module({})
export class AgentModule {
  static forRoot(config: AgentConfig): DynamicModule {
    return {
      module: AgentModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot(AGENT_SCHEMA),
        HealthModule,
        LifecycleModule,
        AgentMetricsModule,
        AdminAuthModule,
        DatasourcesModule,
        DataLogModule,
        ConnectionConfigModule,
        AgentTunnelModule,
      ],
    };
  }
}
