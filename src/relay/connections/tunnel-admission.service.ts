import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AuditActorType, AuditAction, AuditOutcome } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { OperationsMetrics } from '../metrics/operations-metrics';
import { ClientIpResolver } from '../request-context/client-ip.resolver';
import { IpRulesService } from '../security/ip-rules/ip-rules.service';
import { SecurityErrors } from '../security/security.exception';
import { SecurityScope } from '../security/security-scope';
import { ConnectionBlocks } from './connection-blocks.service';
import { ConnectionsErrors } from './connections.exception';

/**
 * What the tunnel gateway asks before it lets an agent in: is the address allowed (global IP
 * rules of the `tunnel` scope; before the token is checked), and, once the token names the
 * agent, is that agent serving a block period. Refusals throw an AppException whose status,
 * code and headers (Retry-After) the gateway answers the upgrade with; they are audited.
 */
@Injectable()
export class TunnelAdmission {
  constructor(
    private readonly clientIps: ClientIpResolver,
    private readonly ipRules: IpRulesService,
    private readonly blocks: ConnectionBlocks,
    private readonly audit: AuditService,
    private readonly metrics: OperationsMetrics,
  ) {}

  /** The agent's address as the relay judges it (trusted proxies applied). */
  clientIp(request: IncomingMessage): string {
    return this.clientIps.of(request);
  }

  /** Throws 403 IP_DENIED when the tunnel-scope rules refuse the caller's address. */
  async admitAddress(request: IncomingMessage): Promise<string> {
    const ip = this.clientIps.of(request);
    const decision = await this.ipRules.checkGlobal(ip, SecurityScope.Tunnel);
    if (decision.allowed) return ip;
    this.metrics.securityDenials.inc({ reason: 'ip', scope: SecurityScope.Tunnel });
    this.metrics.tunnelRefused.inc({ reason: 'ip' });
    await this.audit.recordDenial(
      {
        action: AuditAction.IpDenied,
        outcome: AuditOutcome.Denied,
        actor: { type: AuditActorType.Anonymous, ip },
        target: { type: 'tunnel' },
        details: {
          scope: SecurityScope.Tunnel,
          layer: 'global',
          basis: decision.basis,
          rule: decision.rule ?? null,
        },
      },
      `ip:global:tunnel:${ip}`,
    );
    throw SecurityErrors.ipDenied();
  }

  /** Throws 403 AGENT_BLOCKED (with Retry-After) while the agent is blocked. */
  async admitAgent(agentId: string, agentName: string, ip: string): Promise<void> {
    const until = await this.blocks.blockedUntil(agentId);
    if (!until) return;
    this.metrics.tunnelRefused.inc({ reason: 'blocked' });
    await this.audit.recordDenial(
      {
        action: AuditAction.AgentUpgradeRefused,
        outcome: AuditOutcome.Denied,
        actor: { type: AuditActorType.Agent, id: agentId, name: agentName, ip },
        target: { type: 'agent', id: agentId },
        details: { reason: 'blocked', blockedUntil: until.toISOString() },
      },
      `blocked:${agentId}`,
    );
    throw ConnectionsErrors.agentBlocked(until);
  }
}
