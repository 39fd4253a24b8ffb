import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../config/app.config';
import { hasMetricsToken } from './metrics-access';

/** What a profile's metrics registry offers the endpoint. */
export interface MetricsScrape {
  scrape(): Promise<{ contentType: string; body: string }>;
}

/**
 * The metrics port: /metrics on METRICS_HOST (loopback by default) and the port
 * `AppConfig.metricsPort` resolves (9464 on the relay, 9465 on the agent unless set).
 * METRICS_TOKEN, when set, is required. A default port already taken (a second process on
 * the host) is a warning and no metrics port; a port the operator chose must be free.
 * Each profile provides one, built with its config and registry.
 */
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsScrape,
    /** Whether this profile serves /metrics on its API port when only a token is set. */
    private readonly apiPortServes: boolean,
  ) {}

  /** The bound port (useful when METRICS_PORT=0), or undefined when not serving. */
  get port(): number | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metricsPort(this.apiPortServes);
    if (port === undefined) {
      this.logStartup();
      return;
    }
    const server = createServer((req, res) => this.answer(req, res));
    server.requestTimeout = 10_000;
    try {
      await listen(server, port, this.config.METRICS_HOST);
    } catch (error) {
      const chosen = this.config.METRICS_PORT !== undefined;
      if (chosen || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      this.logger.warn(
        { host: this.config.METRICS_HOST, port },
        'default metrics port in use: /metrics is not served; set METRICS_PORT (or off)',
      );
      return;
    }
    this.server = server;
    const token = this.config.METRICS_TOKEN ? 'required' : 'none';
    this.logger.log(
      { url: `http://${this.config.METRICS_HOST}:${this.port}/metrics`, token },
      'metrics listening',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private logStartup(): void {
    if (this.apiPortServes && this.config.METRICS_TOKEN) {
      this.logger.log('metrics at /metrics on the API port (Bearer METRICS_TOKEN)');
    } else {
      this.logger.log('metrics off (METRICS_PORT=off); set METRICS_PORT to serve /metrics');
    }
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    const token = this.config.METRICS_TOKEN;
    if (token && !hasMetricsToken(req.headers, token)) {
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
        .end('unauthorized\n');
      return;
    }
    this.metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        this.logger.error({ err: error }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('error\n');
      },
    );
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
