import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { AuthenticatedRequest } from '../../shared/auth/authenticated-request';
import { ClientIpResolver } from './client-ip.resolver';
import { RequestContexts } from './request-context';

/** Opens the request context; everything later in the request runs inside it. */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(private readonly clientIps: ClientIpResolver) {}

  use(req: AuthenticatedRequest & { id?: string }, _res: Response, next: NextFunction): void {
    const context = {
      requestId: typeof req.id === 'string' ? req.id : undefined,
      ip: this.clientIps.of(req),
      method: req.method,
      path: (req.originalUrl ?? req.url).split('?')[0],
      request: req,
    };
    RequestContexts.run(context, next);
  }
}
