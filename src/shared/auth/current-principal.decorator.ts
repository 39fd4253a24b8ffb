import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './authenticated-request';
import { unauthorized } from './auth.exception';
import type { Principal } from './principal';

/** Injects the authenticated caller; only meaningful on routes that are not `@Public()`. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // Defensive: reaching here without a principal means a route was mis-declared.
    if (!principal) throw unauthorized();
    return principal;
  },
);
