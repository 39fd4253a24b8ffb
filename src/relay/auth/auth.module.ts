import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthenticationGuard } from '../../shared/auth/authentication.guard';
import { Authenticator } from '../../shared/auth/authenticator';
import { RolesGuard } from '../../shared/auth/roles.guard';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { LoginThrottleModule } from '../login-throttle/login-throttle.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenService } from './access-token.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensService } from './refresh-tokens.service';
import { RelayAuthenticator } from './relay-authenticator';

/**
 * Login and tokens, and the authentication and roles guards (registered as global guards by
 * DataPlaneModule, from the declared pipeline).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshTokenEntity]),
    UsersModule,
    ApiKeysModule,
    LoginThrottleModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AccessTokenService,
    RefreshTokensService,
    { provide: Authenticator, useClass: RelayAuthenticator },
    AuthenticationGuard,
    RolesGuard,
  ],
  exports: [AccessTokenService, AuthenticationGuard, RolesGuard],
})
export class AuthModule {}
