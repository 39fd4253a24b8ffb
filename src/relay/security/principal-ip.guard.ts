import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../../shared/auth/authenticated-request';
import { ClientIpResolver } from '../request-context/client-ip.resolver';
import { IpRulesService } from './ip-rules/ip-rules.service';
import { SecurityDenials } from './security-denials';
import { routeGroupOf, scopeOf } from './security-scope';

/**
 * The principal's own IP rules (e.g. "this API key only from 198.51.100.0/24"), checked once
 * authentication has said who is calling. Global guard; runs after the authentication guard.
 */
@Injectable()
export class PrincipalIpGuard implements CanActivate {
  constructor(
    private readonly clientIps: ClientIpResolver,
    private readonly ipRules: IpRulesService,
    private readonly denials: SecurityDenials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = req.principal;
    if (!principal) return true;
    const path = (req.originalUrl ?? req.url).split('?')[0];
    const scope = scopeOf(routeGroupOf(path));
    if (!scope) return true;
    const ip = this.clientIps.of(req);
    const decision = await this.ipRules.checkPrincipal(ip, scope, principal);
    if (decision.allowed) return true;
    return this.denials.ipDenied(ip, scope, decision, 'principal', { type: 'route', id: path });
  }
}
