import { Injectable } from '@nestjs/common';
import type { Principal } from '../../shared/auth/principal';
import { SessionAudit } from '../audit/session-audit.service';
import { LoginThrottleService } from '../login-throttle/login-throttle.service';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import { AuthErrors } from './auth.exception';
import type { TokenPairView } from './dto/token-pair.view';
import { RefreshTokensService } from './refresh-tokens.service';

/** Login, refresh, logout and changing one's own password. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: SessionAudit,
  ) {}

  async login(username: string, password: string, ip: string): Promise<TokenPairView> {
    const name = username.trim().toLowerCase();
    const attempt = await this.throttle
      .begin({ scope: 'login', name, ip })
      .catch((error: unknown) => this.audit.loginRefused(name, error));
    const user = await attempt.settle(() => this.users.verifyCredentials(name, password));
    if (!user) {
      await this.audit.loginFailed(name);
      throw AuthErrors.invalidCredentials();
    }
    await this.users.recordLogin(user.id);
    await this.audit.loginSucceeded(user);
    return this.issuePair(user.id, user.tokenGeneration);
  }

  /** Exchanges a refresh token for a new pair; the old refresh token is spent. */
  async refresh(refreshToken: string): Promise<TokenPairView> {
    const rotated = await this.refreshTokens
      .rotate(refreshToken)
      .catch((error: unknown) => this.audit.refreshFailed(error));
    const user = await this.users.getAuthUser(rotated.userId, { fresh: true });
    if (!user || !user.enabled || user.tokenGeneration !== rotated.tokenGeneration) {
      await this.refreshTokens.revokeFamily(rotated.familyId, 'logout');
      return this.audit.refreshFailed(AuthErrors.sessionEnded(), rotated.userId);
    }
    await this.audit.refreshed(user);
    return this.issuePair(user.id, user.tokenGeneration, rotated.familyId);
  }

  async logout(refreshToken: string): Promise<void> {
    await this.audit.loggedOut(await this.refreshTokens.revoke(refreshToken));
  }

  /**
   * Changes the caller's password. Every session ends (including this one), so a fresh pair is
   * returned. Wrong current passwords count towards the login lockout like failed logins.
   */
  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    ip: string,
  ): Promise<TokenPairView> {
    const attempt = await this.throttle.begin({ scope: 'login', name: principal.name, ip });
    if (
      !(await attempt.settle(() => this.users.verifyPassword(principal.userId, currentPassword)))
    ) {
      return this.audit.passwordChangeFailed(principal, AuthErrors.invalidCurrentPassword());
    }
    await this.users.setPassword(principal.userId, newPassword);
    await this.audit.passwordChanged(principal);
    const user = await this.users.getAuthUser(principal.userId, { fresh: true });
    if (!user) throw AuthErrors.sessionEnded();
    return this.issuePair(user.id, user.tokenGeneration);
  }

  private async issuePair(
    userId: string,
    generation: number,
    familyId?: string,
  ): Promise<TokenPairView> {
    const refreshToken = await this.refreshTokens.issue(userId, generation, familyId);
    return {
      accessToken: this.accessTokens.issue(userId, generation),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      refreshExpiresIn: this.refreshTokens.ttlSeconds,
      tokenType: 'Bearer',
    };
  }
}
