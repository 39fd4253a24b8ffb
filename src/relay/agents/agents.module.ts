import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoginThrottleModule } from '../login-throttle/login-throttle.module';
import { AgentEntity } from './agent.entity';
import { AgentPresence } from './agent-presence';
import { AgentTokenController } from './agent-token.controller';
import { AgentTokenService } from './agent-token.service';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity]), LoginThrottleModule],
  controllers: [AgentTokenController, AgentsController],
  providers: [AgentsService, AgentTokenService, AgentPresence],
  exports: [AgentsService, AgentPresence],
})
export class AgentsModule {}
