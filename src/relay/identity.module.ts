import { Module } from '@nestjs/common';
import { AgentsModule } from './agents/agents.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { GrantsModule } from './grants/grants.module';
import { FirstAdminModule } from './users/first-admin.module';
import { UsersModule } from './users/users.module';

/**
 * Identity and access for the HTTP relay: users and the first admin, login and the global
 * guards, API keys, agents and grants. Other features import AgentsModule or GrantsModule
 * directly for their services.
 */
@Module({
  imports: [UsersModule, FirstAdminModule, AuthModule, ApiKeysModule, AgentsModule, GrantsModule],
})
export class IdentityModule {}
