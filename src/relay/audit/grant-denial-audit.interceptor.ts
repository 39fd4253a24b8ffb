import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../../shared/auth/authenticated-request';
import { AppException } from '../../shared/errors/app.exception';
import { parseProxyTarget } from '../proxy/proxy-target';
import { TunnelErrorCode } from '../tunnel/tunnel-error-code';
import { AuditOutcome, AuditAction } from './audit-action';
import { AuditService } from './audit.service';

/**
 * Audits proxied calls refused for want of a grant. The refusal is thrown by the proxy
 * before anything is streamed; this records it (committed) and then lets the error answer.
 */
@Injectable()
export class GrantDenialAuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (
          !(error instanceof AppException) ||
          error.code !== (TunnelErrorCode.GrantRequired as string)
        ) {
          return throwError(() => error);
        }
        const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
        return from(this.recordDenial(req, error)).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }

  private async recordDenial(req: AuthenticatedRequest, error: AppException): Promise<void> {
    const target = parseProxyTarget(req.originalUrl ?? req.url);
    const principal = req.principal;
    await this.audit.recordDenial(
      {
        action: AuditAction.GrantDenied,
        outcome: AuditOutcome.Denied,
        target: {
          type: 'datasource',
          id: target ? `${target.agentId}/${target.datasource}` : null,
        },
        details: {
          agentId: target?.agentId,
          datasource: target?.datasource,
          method: req.method,
          path: target?.path,
          message: error.message,
        },
      },
      `grant:${principal?.type}:${principal?.id}:${target?.agentId}:${target?.datasource}:${req.method}`,
    );
  }
}
