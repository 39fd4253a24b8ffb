import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { TunnelAdmissionModule } from '../connections/tunnel-admission.module';
import { LastSeenTracker } from './last-seen-tracker';
import { TunnelGateway } from './tunnel.gateway';
import { TunnelRegistry } from './tunnel-registry';

@Module({
  imports: [AgentsModule, TunnelAdmissionModule],
  providers: [TunnelGateway, TunnelRegistry, LastSeenTracker],
  exports: [TunnelRegistry],
})
export class TunnelModule {}
