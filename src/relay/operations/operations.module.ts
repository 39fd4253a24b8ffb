import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConnectionsModule } from '../connections/connections.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RequestContextModule } from '../request-context/request-context.module';
import { SecurityModule } from '../security/security.module';
import { TransferStatsModule } from '../transfer-stats/transfer-stats.module';

/**
 * What an operator watches and controls while the bridge runs: request context and client
 * addresses, metrics, the audit log, security control, the connection monitor and transfer
 * statistics. The request pipeline's middleware and guards are registered, in order, by
 * DataPlaneModule.
 */
@Module({
  imports: [
    RequestContextModule,
    MetricsModule,
    AuditModule,
    SecurityModule,
    ConnectionsModule,
    TransferStatsModule,
  ],
})
export class OperationsModule {}
