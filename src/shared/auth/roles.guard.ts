import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from './authenticated-request';
import { AuthErrorCode } from './auth-error-code';
import { forbidden, unauthorized } from './auth.exception';
import { isPublic } from './authentication.guard';
import type { Principal } from './principal';
import { Role } from './role.enum';
import { ROLES } from './roles.decorator';
import { USER_SESSION_ONLY } from './user-session-only.decorator';

/**
 * Global guard that runs after AuthenticationGuard: enforces `@Roles(...)` and
 * `@UserSessionOnly()`. Routes without `@Roles` are open to any authenticated principal.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (isPublic(this.reflector, context)) return true;
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // Fail closed if the guards were ever registered in the wrong order.
    if (!principal) throw unauthorized();
    const targets = [context.getHandler(), context.getClass()];
    const userOnly = this.reflector.getAllAndOverride<boolean | undefined>(
      USER_SESSION_ONLY,
      targets,
    );
    if (userOnly && principal.type !== 'user') {
      throw forbidden(
        AuthErrorCode.UserSessionRequired,
        'This action needs a logged-in user; API keys cannot perform it',
      );
    }
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (!hasAnyRole(principal, required)) throw forbidden();
    return true;
  }
}

/** True when `required` is empty or unset, the principal is an admin, or holds one of them. */
export function hasAnyRole(principal: Principal, required: readonly Role[] | undefined): boolean {
  if (!required || required.length === 0) return true;
  if (principal.roles.includes(Role.Admin)) return true;
  return required.some((role) => principal.roles.includes(role));
}
