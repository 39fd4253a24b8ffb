import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { TunnelGateway } from './tunnel.gateway';
import { TunnelRegistry } from './tunnel-registry';

@Module({
  imports: [AgentsModule],
  providers: [TunnelGateway, TunnelRegistry],
  exports: [TunnelRegistry],
})
export class TunnelModule {}
