import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import {
  createServer as createHttpServer,
  type RequestListener,
  type ServerOptions,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AppConfig } from '../config/app.config';

/**
 * The deadlines a server facing the internet needs against slow clients. Node's defaults
 * (60 s for the head, checked every 30 s) let a slowloris hold a socket for over a minute.
 */
export function httpServerLimits(config: AppConfig): ServerOptions {
  return {
    headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
    // 0 switches it off: Node's requestTimeout covers receiving the whole body, so any
    // finite value would cut a long streamed upload however steadily it flows.
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: config.HTTP_CONNECTIONS_CHECK_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  };
}

/**
 * Express, on a server built with those limits: the check interval is a constructor option
 * only, and Nest's own adapter creates its server without options.
 */
export class LimitedExpressAdapter extends ExpressAdapter {
  constructor(private readonly limits: ServerOptions) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    const handler = this.getInstance<RequestListener>();
    this.httpServer = options.httpsOptions
      ? createHttpsServer({ ...options.httpsOptions, ...this.limits }, handler)
      : createHttpServer(this.limits, handler);
  }
}
