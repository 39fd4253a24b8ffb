import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../../shared/auth/authenticated-request';
import type { Principal } from '../../shared/auth/principal';
import { SecurityDenials } from './security-denials';
import { routeGroupOf, scopeOf, SecurityScope } from './security-scope';

export const PRINCIPAL_THROTTLER = 'principal';

/** The counting key of a principal: the same on every route and every relay. */
export function principalTracker(principal: Principal): string {
  return `${principal.type}:${principal.id}`;
}

export function principalOf(context: ExecutionContext): Principal | undefined {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
}

/**
 * @nestjs/throttler's guard, counting per principal across all routes with the limit that
 * applies to that principal right now (its override, else the default; resolved per request
 * by the throttler options). Over the limit: 429 RATE_LIMITED with Retry-After, audited.
 * Global guard; runs after the authentication guard, and skips routes without a principal.
 */
@Injectable()
export class PrincipalRateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly denials: SecurityDenials,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!req.principal) return true;
    return scopeOf(routeGroupOf((req.originalUrl ?? req.url).split('?')[0])) === undefined;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    if (limit <= 0) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const name = throttler.name ?? PRINCIPAL_THROTTLER;
    const key = generateKey(context, await getTracker(req, context), name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    const res = context.switchToHttp().getResponse<Response>();
    if (record.isBlocked) {
      const path = (req.originalUrl ?? req.url).split('?')[0];
      return this.denials.rateLimited(
        key,
        scopeOf(routeGroupOf(path)) ?? SecurityScope.Admin,
        { limit, windowMs: ttl, retryAfterSeconds: record.timeToBlockExpire, kind: 'principal' },
        { type: 'route', id: path },
      );
    }
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - record.totalHits)));
    res.setHeader('RateLimit-Reset', String(record.timeToExpire));
    return true;
  }
}
