import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module';
import { TunnelModule } from '../tunnel/tunnel.module';
import { AgentCatalogController } from './agent-catalog.controller';
import { AgentCatalogEntity } from './agent-catalog.entity';
import { AgentCatalogService } from './agent-catalog.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentCatalogEntity]), TunnelModule, AgentsModule],
  controllers: [AgentCatalogController],
  providers: [AgentCatalogService],
  exports: [AgentCatalogService],
})
export class AgentCatalogModule {}
