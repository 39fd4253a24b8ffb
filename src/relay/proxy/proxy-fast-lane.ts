import {
  ForbiddenException,
  Injectable,
  type CanActivate,
  type OnApplicationBootstrap,
  type Type,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { isObservable, lastValueFrom } from 'rxjs';
import { AuthenticationGuard } from '../../shared/auth/authentication.guard';
import type { AuthenticatedRequest } from '../../shared/auth/authenticated-request';
import { RolesGuard } from '../../shared/auth/roles.guard';
import { AppExceptionFilter } from '../../shared/errors/app-exception.filter';
import { assignRequestId } from '../../shared/logging/request-id';
import { RequestContextMiddleware } from '../request-context/request-context.middleware';
import { PrincipalIpGuard } from '../security/principal-ip.guard';
import { PrincipalRateLimitGuard } from '../security/principal-rate-limit.guard';
import { SecurityMiddleware } from '../security/security.middleware';
import { ProxyController } from './proxy.controller';
import { PROXY_PREFIX } from './proxy-target';
import { ProxyService } from './proxy.service';

/** The relay's global guards, in the order Nest registers them (identity before security). */
const GLOBAL_GUARDS: Type<CanActivate>[] = [
  AuthenticationGuard,
  RolesGuard,
  PrincipalIpGuard,
  PrincipalRateLimitGuard,
];

type ProxyRequest = AuthenticatedRequest & { id: string };

const NO_NEXT = (): void => undefined;

/**
 * Serves proxy calls straight from the Node HTTP server, ahead of Express and Nest's router:
 * on a 1 KiB answer the generic pipeline (router, rxjs interceptors, per-request
 * middleware lookup) cost the relay several times the tunnel work itself. Every check a
 * proxy call passed through Nest still runs, in the same order and with the same code: the
 * request id, the request context, the security middleware, the global guards, then the
 * controller's handler, with errors answered by the app's exception filter.
 */
@Injectable()
export class ProxyFastLane implements OnApplicationBootstrap {
  private readonly errors = new AppExceptionFilter();
  /** Guards read the route's metadata from the handler, as they do under Nest's router. */
  // eslint-disable-next-line @typescript-eslint/unbound-method
  private readonly handler = ProxyController.prototype.forward;
  private guards: CanActivate[] = [];
  private requestContext!: RequestContextMiddleware;
  private security!: SecurityMiddleware;
  private controller!: ProxyController;
  private proxy!: ProxyService;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    const find = <T>(type: Type<T>): T => this.moduleRef.get(type, { strict: false });
    this.guards = GLOBAL_GUARDS.map(find);
    this.requestContext = find(RequestContextMiddleware);
    this.security = find(SecurityMiddleware);
    this.controller = find(ProxyController);
    this.proxy = find(ProxyService);
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const others = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith(PROXY_PREFIX)) this.serve(req as ProxyRequest, res);
      else for (const listener of others) listener(req, res);
    });
  }

  private serve(req: ProxyRequest, res: ServerResponse): void {
    req.id = assignRequestId(req, res);
    req.originalUrl = req.url!;
    this.requestContext.use(req, res as never, () => void this.serveInContext(req, res));
  }

  private async serveInContext(req: ProxyRequest, res: ServerResponse): Promise<void> {
    const context = new ExecutionContextHost([req, res, NO_NEXT], ProxyController, this.handler);
    context.setType('http');
    const startedAt = new Date();
    try {
      await this.security.use(req, res as never, NO_NEXT);
      for (const guard of this.guards) {
        const verdict = guard.canActivate(context);
        const allowed = isObservable(verdict) ? await lastValueFrom(verdict) : await verdict;
        if (!allowed) throw new ForbiddenException('Forbidden resource');
      }
      await this.controller.forward(req, res, req.principal!);
    } catch (error) {
      this.errors.catch(error, context);
      this.proxy.refused(req, req.principal, error, res.statusCode, startedAt);
    }
  }
}
