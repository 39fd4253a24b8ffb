import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
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
 * Login and tokens, and the relay's global guards: authentication first, then roles (Nest
 * runs global guards in the order they are provided here).
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
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    { provide: APP_GUARD, useExisting: RolesGuard },
  ],
  exports: [AccessTokenService],
})
export class AuthModule {}
