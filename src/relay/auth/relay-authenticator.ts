import { Injectable } from '@nestjs/common';
import { AuthErrorCode } from '../../shared/auth/auth-error-code';
import { unauthorized } from '../../shared/auth/auth.exception';
import { Authenticator } from '../../shared/auth/authenticator';
import type { PresentedCredential } from '../../shared/auth/presented-credential';
import type { Principal } from '../../shared/auth/principal';
import { API_KEY_PREFIX } from '../api-keys/api-key-format';
import { ApiKeysService } from '../api-keys/api-keys.service';
import type { AuthUser } from '../users/auth-user';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';

/**
 * The relay's credentials: user access tokens (JWT) and API keys, told apart by the API key
 * prefix. Both end with the owner's cached account check, so disabling a user stops their
 * tokens and keys at once (in this process; within AUTH_USER_CACHE_MS elsewhere).
 */
@Injectable()
export class RelayAuthenticator extends Authenticator {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersService,
  ) {
    super();
  }

  async authenticate(credential: PresentedCredential): Promise<Principal> {
    if (credential.source === 'x-api-key' || credential.value.startsWith(API_KEY_PREFIX)) {
      return this.authenticateApiKey(credential.value);
    }
    return this.authenticateAccessToken(credential.value);
  }

  private async authenticateAccessToken(token: string): Promise<Principal> {
    const claims = this.accessTokens.verify(token);
    const user = activeOwner(await this.users.getAuthUser(claims.userId));
    if (user.tokenGeneration !== claims.generation) {
      throw unauthorized(AuthErrorCode.TokenRevoked, 'The session has been ended; log in again');
    }
    return {
      type: 'user',
      id: user.id,
      userId: user.id,
      name: user.username,
      roles: user.roles,
      sessionGeneration: claims.generation,
    };
  }

  private async authenticateApiKey(key: string): Promise<Principal> {
    const apiKey = await this.apiKeys.authenticate(key);
    const owner = activeOwner(await this.users.getAuthUser(apiKey.userId));
    return {
      type: 'apiKey',
      id: apiKey.id,
      userId: owner.id,
      name: apiKey.name,
      roles: owner.roles,
    };
  }
}

function activeOwner(user: AuthUser | null): AuthUser {
  if (!user) throw unauthorized(AuthErrorCode.TokenRevoked, 'The account no longer exists');
  if (!user.enabled) throw unauthorized(AuthErrorCode.AccountDisabled, 'The account is disabled');
  return user;
}
