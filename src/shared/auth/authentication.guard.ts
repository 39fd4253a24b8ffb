import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from './authenticated-request';
import { unauthorized } from './auth.exception';
import { Authenticator } from './authenticator';
import { readPresentedCredential } from './presented-credential';
import { IS_PUBLIC } from './public.decorator';

/**
 * Global guard: every HTTP route needs a valid credential unless marked `@Public()`. Sets
 * `request.principal`. WebSocket gateways authenticate at the upgrade themselves, so other
 * transports pass through here untouched.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (isPublic(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = readPresentedCredential(request.headers);
    if (!credential) throw unauthorized();
    request.principal = await this.authenticator.authenticate(credential);
    return true;
  }
}

export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  return (
    reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]) === true
  );
}
