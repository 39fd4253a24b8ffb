import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { GrantsModule } from '../grants/grants.module';
import { TunnelModule } from '../tunnel/tunnel.module';
import { ProxyController } from './proxy.controller';
import { ProxyService } from './proxy.service';

@Module({
  imports: [TunnelModule, AgentsModule, GrantsModule],
  controllers: [ProxyController],
  providers: [ProxyService],
  exports: [ProxyService],
})
export class ProxyModule {}
