import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { GrantsModule } from '../grants/grants.module';
import { UsersModule } from '../users/users.module';
import { LiveHolds } from './live-holds';
import { PrincipalChangesModule } from './principal-changes.module';
import { PrincipalRevocation } from './principal-revocation.service';

/**
 * Revoked access ends what its principal holds open: features register their long-lived
 * work (proxied calls, admin event streams) with LiveHolds; PrincipalRevocation ends it.
 */
@Module({
  imports: [UsersModule, ApiKeysModule, GrantsModule, PrincipalChangesModule],
  providers: [LiveHolds, PrincipalRevocation],
  exports: [LiveHolds],
})
export class RevocationModule {}
