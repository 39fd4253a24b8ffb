import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '../../shared/auth/public.decorator';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';
import { AgentConfig } from '../agent.config';
import { AdminToken, bearerToken } from './admin-token';

export const ADMIN_TOKEN_NOT_CONFIGURED = 'ADMIN_TOKEN_NOT_CONFIGURED';

/**
 * Every agent admin route requires `Authorization: Bearer <AGENT_ADMIN_TOKEN>` unless marked
 * `@Public()`. Without a configured token the admin API stays closed (503), never open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly token?: AdminToken;

  constructor(
    private readonly reflector: Reflector,
    config: AgentConfig,
  ) {
    if (config.AGENT_ADMIN_TOKEN) this.token = new AdminToken(config.AGENT_ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    if (!this.token) {
      throw new AppException(
        ADMIN_TOKEN_NOT_CONFIGURED,
        'The admin API is disabled until AGENT_ADMIN_TOKEN is set',
        503,
      );
    }
    const presented = bearerToken(
      context.switchToHttp().getRequest<Request>().headers.authorization,
    );
    if (presented === undefined || !this.token.matches(presented)) {
      throw new AppException(
        ErrorCode.Unauthorized,
        presented === undefined ? 'Admin token required' : 'Invalid admin token',
        401,
        undefined,
        { 'WWW-Authenticate': 'Bearer realm="intrabridge-agent"' },
      );
    }
    return true;
  }
}
