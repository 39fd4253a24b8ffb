import { Logger, type INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AppConfig } from '../config/app.config';
import { ShutdownDrain } from '../lifecycle/shutdown-drain';

/** Time left after the drain for the answers of calls it ended to reach their callers. */
const FLUSH_GRACE_MS = 1_000;

/**
 * Listens on HOST:PORT and shuts down gracefully on SIGTERM/SIGINT: report not ready and
 * refuse new calls while those in flight finish for up to SHUTDOWN_TIMEOUT_MS (then end
 * them with an error), stop accepting, close the database and other resources through
 * Nest's shutdown hooks, exit 0. A second signal exits at once (1).
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
    logger.log({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down');
    // Whatever the drain and the hooks do, no connection outlives this.
    const deadline = setTimeout(() => {
      logger.warn('shutdown timeout reached; closing remaining connections');
      server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS + FLUSH_GRACE_MS);
    deadline.unref();
    try {
      const { ended } = await app.get(ShutdownDrain).drain(config.SHUTDOWN_TIMEOUT_MS);
      if (ended > 0) logger.warn({ ended }, 'shutdown timeout reached; ended calls in flight');
      await app.close();
      logger.log('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting at once');
      process.exit(1);
    }
    stopping = true;
    void stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
