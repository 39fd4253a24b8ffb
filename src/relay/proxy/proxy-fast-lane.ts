import {
  ForbiddenException,
  Injectable,
  type CanActivate,
  type NestMiddleware,
  type OnApplicationBootstrap,
  type Type,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { isObservable, lastValueFrom } from 'rxjs';
import type { AuthenticatedRequest } from '../../shared/auth/authenticated-request';
import { AppExceptionFilter } from '../../shared/errors/app-exception.filter';
import { assignRequestId } from '../../shared/logging/request-id';
import { DATA_PLANE } from '../data-plane/data-plane';
import { HttpExecutionContext } from '../data-plane/http-execution-context';
import { ProxyController } from './proxy.controller';
import { PROXY_PREFIX } from './proxy-target';
import { ProxyService } from './proxy.service';

type ProxyRequest = AuthenticatedRequest & { id: string };

/**
 * Serves proxy calls straight from the Node HTTP server, ahead of Express and Nest's router:
 * on a 1 KiB answer the generic pipeline (router, rxjs interceptors, per-request
 * middleware lookup) cost the relay several times the tunnel work itself. Every check a
 * proxy call passed through Nest still runs, in the same order and with the same code: the
 * request id, then the declared pipeline (DATA_PLANE: middleware, then global guards), then
 * the controller's handler, with errors answered by the app's exception filter.
 */
@Injectable()
export class ProxyFastLane implements OnApplicationBootstrap {
  private readonly errors = new AppExceptionFilter();
  /** Guards read the route's metadata from the handler, as they do under Nest's router. */
  // eslint-disable-next-line @typescript-eslint/unbound-method
  private readonly handler = ProxyController.prototype.forward;
  private guards: CanActivate[] = [];
  private middleware: NestMiddleware[] = [];
  private controller!: ProxyController;
  private proxy!: ProxyService;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    const find = <T>(type: Type<T>): T => this.moduleRef.get(type, { strict: false });
    this.guards = DATA_PLANE.guards.map(find);
    this.middleware = DATA_PLANE.middleware.map(find);
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
    const context = new HttpExecutionContext(req, res, ProxyController, this.handler);
    const startedAt = new Date();
    this.runFrom(0, req, res, context).catch((error: unknown) => {
      this.errors.catch(error, context);
      this.proxy.refused(req, req.principal, error, res.statusCode, startedAt);
    });
  }

  /**
   * Runs middleware `index` with a `next` that runs the rest, as Express would: the rest then
   * runs inside whatever the middleware set up around `next` (the request context). A
   * middleware refuses by throwing (or passing an error to `next`).
   */
  private async runFrom(
    index: number,
    req: ProxyRequest,
    res: ServerResponse,
    context: HttpExecutionContext,
  ): Promise<void> {
    const middleware = this.middleware[index];
    if (!middleware) return this.guardAndHandle(req, res, context);
    let rest: Promise<void> | undefined;
    let refused: { error: unknown } | undefined;
    await middleware.use(req, res, (error?: unknown) => {
      if (error) refused = { error };
      else rest = this.runFrom(index + 1, req, res, context);
    });
    if (refused) throw refused.error;
    await rest;
  }

  private async guardAndHandle(
    req: ProxyRequest,
    res: ServerResponse,
    context: HttpExecutionContext,
  ): Promise<void> {
    for (const guard of this.guards) {
      const verdict = guard.canActivate(context);
      const allowed = isObservable(verdict) ? await lastValueFrom(verdict) : await verdict;
      if (!allowed) throw new ForbiddenException('Forbidden resource');
    }
    await this.controller.forward(req, res, req.principal!);
  }
}
