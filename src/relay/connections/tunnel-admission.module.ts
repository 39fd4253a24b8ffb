import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IpRulesModule } from '../security/ip-rules/ip-rules.module';
import { AgentBlockEntity } from './agent-block.entity';
import { ConnectionBlocks } from './connection-blocks.service';
import { TunnelAdmission } from './tunnel-admission.service';

/** For the tunnel gateway: IP rules and block periods at the agent upgrade. */
@Module({
  imports: [TypeOrmModule.forFeature([AgentBlockEntity]), IpRulesModule],
  providers: [ConnectionBlocks, TunnelAdmission],
  exports: [ConnectionBlocks, TunnelAdmission],
})
export class TunnelAdmissionModule {}
