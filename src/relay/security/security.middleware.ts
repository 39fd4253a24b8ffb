import { Injectable, type NestMiddleware } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import type { NextFunction, Request, Response } from 'express';
import { RelayConfig } from '../relay.config';
import { ClientIpResolver } from '../request-context/client-ip.resolver';
import { addressBucket } from '../request-context/trusted-proxies';
import { IpRulesService } from './ip-rules/ip-rules.service';
import { SecurityDenials } from './security-denials';
import { SecurityErrors } from './security.exception';
import { routeGroupOf, scopeOf, type RouteGroup, type SecurityScope } from './security-scope';

export const IP_THROTTLER = 'ip';

/**
 * The checks that need no principal, run before authentication so refused callers cost
 * little: the global IP rules of the route's scope, the per-address rate limit, and the
 * route group's body-size limit (by Content-Length; JSON bodies without one are capped by
 * the parser).
 */
@Injectable()
export class SecurityMiddleware implements NestMiddleware {
  constructor(
    private readonly config: RelayConfig,
    private readonly clientIps: ClientIpResolver,
    private readonly ipRules: IpRulesService,
    private readonly denials: SecurityDenials,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
  ) {}

  async use(req: Request, _res: Response, next: NextFunction): Promise<void> {
    const path = (req.originalUrl ?? req.url).split('?')[0];
    const group = routeGroupOf(path);
    const scope = scopeOf(group);
    if (!scope) return next();
    const ip = this.clientIps.of(req);
    const decision = await this.ipRules.checkGlobal(ip, scope);
    if (!decision.allowed) {
      await this.denials.ipDenied(ip, scope, decision, 'global', { type: 'route', id: path });
    }
    await this.limitAddress(ip, scope, path);
    this.checkBodySize(req, group);
    next();
  }

  private async limitAddress(ip: string, scope: SecurityScope, path: string): Promise<void> {
    const limit = this.config.RATE_LIMIT_PER_IP;
    if (limit === 0) return;
    const windowMs = this.config.RATE_LIMIT_WINDOW * 1000;
    const key = addressBucket(ip, this.config.RATE_LIMIT_IPV6_PREFIX);
    const record = await this.storage.increment(key, windowMs, limit, 0, IP_THROTTLER);
    if (!record.isBlocked) return;
    await this.denials.rateLimited(
      `ip:${key}`,
      scope,
      { limit, windowMs, retryAfterSeconds: record.timeToBlockExpire, kind: 'ip' },
      { type: 'route', id: path },
    );
  }

  private checkBodySize(req: Request, group: RouteGroup): void {
    const limit = this.bodyLimit(group);
    if (limit === 0) return;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) throw SecurityErrors.payloadTooLarge(limit);
  }

  private bodyLimit(group: RouteGroup): number {
    switch (group) {
      case 'proxy':
        return this.config.MAX_BODY_BYTES_PROXY;
      case 'auth':
      case 'agent-token':
        return this.config.MAX_BODY_BYTES_AUTH;
      case 'api':
        return this.config.MAX_BODY_BYTES_API;
      default:
        return 0;
    }
  }
}
