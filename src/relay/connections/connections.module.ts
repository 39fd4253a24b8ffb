import { Module } from '@nestjs/common';
import { RevocationModule } from '../revocation/revocation.module';
import { TunnelModule } from '../tunnel/tunnel.module';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';
import { TunnelAdmissionModule } from './tunnel-admission.module';

@Module({
  imports: [TunnelModule, TunnelAdmissionModule, RevocationModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService],
})
export class ConnectionsModule {}
