import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { GrantsModule } from '../grants/grants.module';
import { RevocationModule } from '../revocation/revocation.module';
import { TunnelModule } from '../tunnel/tunnel.module';
import { ProxyController } from './proxy.controller';
import { ProxyFastLane } from './proxy-fast-lane';
import { ProxyService } from './proxy.service';

@Module({
  imports: [TunnelModule, AgentsModule, GrantsModule, RevocationModule],
  controllers: [ProxyController],
  providers: [ProxyService, ProxyFastLane],
  exports: [ProxyService],
})
export class ProxyModule {}
