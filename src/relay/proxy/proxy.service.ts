import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Subject } from 'rxjs';
import type { Principal } from '../../shared/auth/principal';
import { AppException } from '../../shared/errors/app.exception';
import { codeForStatus } from '../../shared/errors/error-code';
import { withDatabaseOutage } from '../../shared/database/database-unavailable';
import { ShutdownDrain } from '../../shared/lifecycle/shutdown-drain';
import type { OpenPayload } from '../../shared/protocol';
import { endToEndHeaders } from '../../shared/tunnel/hop-by-hop-headers';
import { AgentsService } from '../agents/agents.service';
import { AuditAction, AuditOutcome } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { GrantsService } from '../grants/grants.service';
import { OperationsMetrics } from '../metrics/operations-metrics';
import { RelayConfig } from '../relay.config';
import { LiveHolds, type ProxyCallHold } from '../revocation/live-holds';
import { SecurityScope } from '../security/security-scope';
import type { TunnelSession } from '../tunnel/tunnel-session';
import { TunnelRegistry } from '../tunnel/tunnel-registry';
import { TunnelErrorCode } from '../tunnel/tunnel-error-code';
import { ProxyCall, type CallOutcome } from './proxy-call';
import { parseProxyTarget, type ProxyTarget } from './proxy-target';

/** The caller's credentials and per-hop headers never travel to the intranet. */
const NOT_FORWARDED = new Set(['authorization', 'x-api-key', 'cookie', 'x-request-id']);

/** One finished proxied call, for statistics and audit. */
export interface ProxiedCall extends CallOutcome {
  requestId: string;
  principal: Principal;
  agentId: string;
  datasource: string;
  operation: string;
  /** The raw path below the datasource, without the query string. */
  path: string;
  startedAt: Date;
  durationMs: number;
}

@Injectable()
export class ProxyService {
  private readonly completedSubject = new Subject<ProxiedCall>();
  /** Emits after each call ends; subscribers must not block (they run on the hot path). */
  readonly completed = this.completedSubject.asObservable();

  constructor(
    private readonly config: RelayConfig,
    private readonly tunnels: TunnelRegistry,
    private readonly agents: AgentsService,
    private readonly grants: GrantsService,
    private readonly audit: AuditService,
    private readonly holds: LiveHolds,
    private readonly shutdown: ShutdownDrain,
    private readonly metrics: OperationsMetrics,
  ) {}

  /** Checks the call may go ahead, then streams it through the agent's tunnel. */
  async forward(
    req: IncomingMessage,
    res: ServerResponse,
    principal: Principal,
    target: ProxyTarget,
    requestId: string,
  ): Promise<void> {
    if (this.shutdown.draining) throw draining();
    const method = req.method!; // always set on a server's request
    const live = this.tunnels.get(target.agentId);
    const known = live ? this.operationOf(live, target.datasource, method) : undefined;
    // Before anything that tells whether the agent exists or is online: a caller without a
    // grant gets the same 403 for an online, offline or unknown agent or datasource.
    if (!(await this.granted(principal, target, method, known))) {
      const message = `No grant for ${method} on ${target.datasource}`;
      this.metrics.securityDenials.inc({ reason: 'grant', scope: SecurityScope.Proxy });
      await this.auditGrantDenial(principal, target, method, message);
      throw new AppException(TunnelErrorCode.GrantRequired, message, 403);
    }
    const session = live ?? (await this.offline(target.agentId));
    const operation = this.operationOf(session, target.datasource, method);
    if (!session.hasCapacity) {
      throw new AppException(TunnelErrorCode.AgentBusy, 'Agent has too many calls in flight', 503);
    }
    const hasBody = hasRequestBody(req);
    const head: OpenPayload = {
      requestId,
      datasource: target.datasource,
      method,
      path: target.path,
      query: target.query,
      headers: endToEndHeaders(req.headers, NOT_FORWARDED),
      principal: { type: principal.type, id: principal.id, name: principal.name },
      timeoutMs: this.config.PROXY_TIMEOUT_MS,
      hasBody,
    };
    this.assertHeadFits(head);
    const startedAt = new Date();
    // Held open until it ends, so revoking the principal's access ends it too.
    const hold: ProxyCallHold = {
      kind: 'proxy_call',
      principal,
      requestId,
      agentId: target.agentId,
      datasource: target.datasource,
      operation,
      end: (message) => call.revoke(message),
    };
    const call = new ProxyCall(
      req,
      res,
      requestId,
      this.config.PROXY_TIMEOUT_MS,
      this.config.MAX_BODY_BYTES_PROXY,
      (outcome) => {
        this.holds.release(hold);
        this.completedSubject.next({
          ...outcome,
          requestId,
          principal,
          agentId: target.agentId,
          datasource: target.datasource,
          operation,
          path: target.path,
          startedAt,
          durationMs: Date.now() - startedAt.getTime(),
        });
      },
    );
    const stream = session.open(head, call);
    this.holds.add(hold);
    call.start(stream, hasBody);
  }

  /**
   * A call the relay answered itself with an error before any stream opened (no grant, IP
   * rule, rate limit, agent offline or unknown, busy, draining, database down) is recorded
   * like a served one, so error rates stay true during an outage. Only callers that proved
   * who they are: an anonymous refusal (401, a global IP rule, the per-IP rate limit) names
   * no principal, and anyone on the internet could fill the table with them; metrics and the
   * audit log count those.
   */
  refused(
    req: IncomingMessage,
    principal: Principal | undefined,
    error: unknown,
    status: number,
    startedAt: Date,
  ): void {
    const target = parseProxyTarget(req.url ?? '');
    if (!principal || !target) return;
    const failure = withDatabaseOutage(error);
    this.completedSubject.next({
      status,
      errorCode: failure instanceof AppException ? failure.code : codeForStatus(status),
      bytesIn: 0,
      bytesOut: 0,
      contentType: 'application/json',
      requestId: (req as IncomingMessage & { id?: string }).id ?? '',
      principal,
      agentId: target.agentId,
      datasource: target.datasource,
      operation: (req.method ?? 'GET').toUpperCase(),
      path: target.path,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
    });
  }

  /** Refusals are audited (committed) before the caller hears of them. */
  private async auditGrantDenial(
    principal: Principal,
    target: ProxyTarget,
    method: string,
    message: string,
  ): Promise<void> {
    const datasourceId = `${target.agentId}/${target.datasource}`;
    await this.audit.recordDenial(
      {
        action: AuditAction.GrantDenied,
        outcome: AuditOutcome.Denied,
        target: { type: 'datasource', id: datasourceId },
        details: {
          agentId: target.agentId,
          datasource: target.datasource,
          method,
          path: target.path,
          message,
        },
      },
      `grant:${principal.type}:${principal.id}:${datasourceId}:${method}`,
    );
  }

  /**
   * With the agent offline its catalog, and so whether the datasource is SQL (granted as
   * `query`), is unknown: a grant of either kind lets the caller learn that it is offline.
   */
  private async granted(
    principal: Principal,
    target: ProxyTarget,
    method: string,
    operation: string | undefined,
  ): Promise<boolean> {
    const { agentId, datasource } = target;
    if (operation) return this.grants.check(principal, agentId, datasource, operation);
    return (
      (await this.grants.check(principal, agentId, datasource, method.toUpperCase())) ||
      (await this.grants.check(principal, agentId, datasource, 'query'))
    );
  }

  private async offline(agentId: string): Promise<never> {
    if (await this.agents.findById(agentId)) {
      throw new AppException(TunnelErrorCode.AgentOffline, 'Agent is not connected', 503);
    }
    throw new AppException(TunnelErrorCode.AgentNotFound, 'Unknown agent', 404);
  }

  /** SQL sources are granted as `query`; everything else by HTTP method. */
  private operationOf(session: TunnelSession, datasource: string, method: string): string {
    const entry = session.catalog.find((candidate) => candidate.name === datasource);
    return entry?.type === 'postgres' ? 'query' : method.toUpperCase();
  }

  private assertHeadFits(head: OpenPayload): void {
    // JSON length approximates the encoded size closely enough for a 1 MiB+ frame bound.
    const size =
      Buffer.byteLength(JSON.stringify(head.headers)) + head.path.length + head.query.length;
    if (size > this.config.TUNNEL_MAX_FRAME_BYTES / 2) {
      throw new AppException(TunnelErrorCode.HeadersTooLarge, 'Request head too large', 431);
    }
  }
}

/** `Connection: close`, so the caller's next call opens a connection to a live instance. */
function draining(): AppException {
  return new AppException(
    TunnelErrorCode.RelayDraining,
    'The relay is shutting down; retry the call',
    503,
    undefined,
    { 'Retry-After': '1', Connection: 'close' },
  );
}

function hasRequestBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}
