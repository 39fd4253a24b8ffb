import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '../../shared/config/config.module';
import { DatabaseModule } from '../../shared/database/database.module';
import { AgentsModule } from '../agents/agents.module';
import { AuditCoreModule } from '../audit/audit-core.module';
import { MetricsRegistryModule } from '../metrics/metrics-registry.module';
import type { RelayConfig } from '../relay.config';
import { RELAY_SCHEMA } from '../relay.schema';
import { UsersModule } from '../users/users.module';

/**
 * What the CLI needs: the relay's database (migrated like at start-up), users and agents,
 * and the audit log.
 * No HTTP server, guards or first-admin bootstrap.
 */
@Module({})
export class RelayCliModule {
  static forRoot(config: RelayConfig): DynamicModule {
    return {
      module: RelayCliModule,
      imports: [
        ConfigModule.forRoot(config),
        // Beside a running relay, a second client of its embedded server, never a second copy.
        DatabaseModule.forRoot(RELAY_SCHEMA, { role: 'relay-cli', joinRunning: true }),
        // Changes made through the CLI are audited like any other (actor: system).
        MetricsRegistryModule,
        AuditCoreModule,
        UsersModule,
        AgentsModule,
      ],
    };
  }
}
