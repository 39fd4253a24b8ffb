import { Module } from '@nestjs/common';
import { TunnelModule } from '../tunnel/tunnel.module';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';
import { TunnelAdmissionModule } from './tunnel-admission.module';

@Module({
  imports: [TunnelModule, TunnelAdmissionModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService],
})
export class ConnectionsModule {}
