import type { CanActivate, NestMiddleware, Type } from '@nestjs/common';
import { AuthenticationGuard } from '../../shared/auth/authentication.guard';
import { RolesGuard } from '../../shared/auth/roles.guard';
import { RequestContextMiddleware } from '../request-context/request-context.middleware';
import { PrincipalIpGuard } from '../security/principal-ip.guard';
import { PrincipalRateLimitGuard } from '../security/principal-rate-limit.guard';
import { SecurityMiddleware } from '../security/security.middleware';

/**
 * The relay's request pipeline, declared once. After the request id (assigned first by the
 * HTTP app, see create-http-app.ts), every request runs these middleware, then these global
 * guards, in this order, then its handler. DataPlaneModule registers both lists with Nest
 * for the routes Nest serves; the proxy fast lane runs the same instances for proxy calls.
 * A check added anywhere else would run on one path only: data-plane.spec.ts fails if a
 * module registers a global guard that is not listed here.
 */
export const DATA_PLANE = {
  /** Opens the request context, then the checks that need no principal (IP rules, per-IP limit). */
  middleware: [RequestContextMiddleware, SecurityMiddleware] as Type<NestMiddleware>[],
  /** Identity before security: the principal's IP rules and rate limit need the principal. */
  guards: [
    AuthenticationGuard,
    RolesGuard,
    PrincipalIpGuard,
    PrincipalRateLimitGuard,
  ] as Type<CanActivate>[],
} as const;
