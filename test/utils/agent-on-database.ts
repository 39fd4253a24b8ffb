import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createAgentApp, loadAgentConfig } from '../../src/agent/agent.app';
import type { RawEnv } from '../../src/shared/config/load-config';
import type { TestDatabase } from './test-database';
import { TEST_ENV, type RunningApp } from './test-apps';

/**
 * An agent on a database the test keeps, so a test can stop the agent and start another on
 * the same data (restarts, shutdown flushes). Closing it leaves the database in place.
 */
export async function startAgentOn(
  database: TestDatabase,
  env: RawEnv = {},
): Promise<RunningApp<unknown> & { app: NestExpressApplication }> {
  const config = loadAgentConfig({ ...TEST_ENV, ...database.env, ...env });
  const app = await createAgentApp(config);
  await app.listen(0, config.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, config, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
