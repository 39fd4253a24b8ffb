import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { PrincipalChangesModule } from '../revocation/principal-changes.module';
import { UsersModule } from '../users/users.module';
import { GrantEntity } from './grant.entity';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([GrantEntity]),
    UsersModule,
    ApiKeysModule,
    AgentsModule,
    PrincipalChangesModule,
  ],
  controllers: [GrantsController],
  providers: [GrantsService],
  exports: [GrantsService],
})
export class GrantsModule {}
