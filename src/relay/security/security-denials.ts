import { Injectable } from '@nestjs/common';
import { AuditActorType, AuditAction, AuditOutcome } from '../audit/audit-action';
import { AuditService, type AuditActor } from '../audit/audit.service';
import { OperationsMetrics } from '../metrics/operations-metrics';
import type { IpDecision } from './ip-rules/ip-rule-set';
import { SecurityErrors } from './security.exception';
import type { SecurityScope } from './security-scope';

/** Refusals by IP rules and rate limits: counted, audited (deduplicated), then thrown. */
@Injectable()
export class SecurityDenials {
  constructor(
    private readonly audit: AuditService,
    private readonly metrics: OperationsMetrics,
  ) {}

  async ipDenied(
    ip: string,
    scope: SecurityScope,
    decision: IpDecision,
    layer: 'global' | 'principal',
    target: { type: string; id?: string | null },
    actor?: Partial<AuditActor>,
  ): Promise<never> {
    this.metrics.securityDenials.inc({ reason: 'ip', scope });
    await this.audit.recordDenial(
      {
        action: AuditAction.IpDenied,
        outcome: AuditOutcome.Denied,
        target,
        actor: { ip, ...actor },
        details: { scope, layer, basis: decision.basis, rule: decision.rule ?? null },
      },
      `ip:${layer}:${scope}:${ip}:${actor?.id ?? ''}`,
    );
    throw SecurityErrors.ipDenied();
  }

  async rateLimited(
    key: string,
    scope: SecurityScope,
    limit: { limit: number; windowMs: number; retryAfterSeconds: number; kind: 'ip' | 'principal' },
    target: { type: string; id?: string | null },
  ): Promise<never> {
    this.metrics.securityDenials.inc({ reason: `rate_limit_${limit.kind}`, scope });
    await this.audit.recordDenial(
      {
        action: AuditAction.RateLimited,
        outcome: AuditOutcome.Denied,
        target,
        actor: limit.kind === 'ip' ? { type: AuditActorType.Anonymous } : undefined,
        details: {
          scope,
          limitedBy: limit.kind,
          limit: limit.limit,
          windowSeconds: limit.windowMs / 1000,
          retryAfterSeconds: limit.retryAfterSeconds,
        },
      },
      `rate:${key}`,
    );
    throw SecurityErrors.rateLimited(limit.retryAfterSeconds, limit.limit, limit.windowMs / 1000);
  }
}
