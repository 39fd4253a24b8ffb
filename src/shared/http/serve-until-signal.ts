import { Logger, type INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AppConfig } from '../config/app.config';

/**
 * Listens on HOST:PORT and shuts down gracefully on SIGTERM/SIGINT: stop accepting, let
 * in-flight requests finish for up to SHUTDOWN_TIMEOUT_MS (then cut them), close the
 * database and other resources through Nest's shutdown hooks, exit 0.
 */
export async function serveUntilSignal(app: INestApplication, config: AppConfig): Promise<void> {
  await app.listen(config.PORT, config.HOST);
  const logger = new Logger('Lifecycle');
  const server = app.getHttpServer() as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.log({ host: config.HOST, port, profile: config.APP_PROFILE }, 'listening');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.warn('shutdown timeout reached; closing remaining connections');
      server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    try {
      await app.close();
      logger.log('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}
