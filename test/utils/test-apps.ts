import type { DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createAgentApp, loadAgentConfig } from '../../src/agent/agent.app';
import type { AgentConfig } from '../../src/agent/agent.config';
import { AgentModule } from '../../src/agent/agent.module';
import { createRelayApp, loadRelayConfig, RELAY_HTTP_OPTIONS } from '../../src/relay/relay.app';
import type { RelayConfig } from '../../src/relay/relay.config';
import { RelayModule } from '../../src/relay/relay.module';
import type { RawEnv } from '../../src/shared/config/load-config';
import { createHttpApp } from '../../src/shared/http/create-http-app';
import { provisionTestDatabase, type TestDatabase } from './test-database';

/** A real app listening on a loopback port, with its own database. */
export interface RunningApp<C> {
  app: NestExpressApplication;
  config: C;
  url: string;
  close(): Promise<void>;
}

export const TEST_ENV: RawEnv = {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  HOST: '127.0.0.1',
  PORT: '0',
  // Every test relay is called from 127.0.0.1 by one principal or a few: suites that test
  // rate limiting switch them on with their own limits.
  RATE_LIMIT_PER_IP: '0',
  RATE_LIMIT_PER_PRINCIPAL: '0',
};

export async function startRelay(env: RawEnv = {}): Promise<RunningApp<RelayConfig>> {
  return startApp(env, loadRelayConfig, createRelayApp);
}

export async function startAgent(env: RawEnv = {}): Promise<RunningApp<AgentConfig>> {
  return startApp(env, loadAgentConfig, createAgentApp);
}

/** Boots a profile's root module with extra test-only modules or controllers around it. */
export async function startRelayWith(
  extra: Omit<DynamicModule, 'module'>,
  env: RawEnv = {},
): Promise<RunningApp<RelayConfig>> {
  return startApp(env, loadRelayConfig, (config) =>
    createHttpApp(wrap(RelayModule.forRoot(config), extra), config, TEST_API, RELAY_HTTP_OPTIONS),
  );
}

export async function startAgentWith(
  extra: Omit<DynamicModule, 'module'>,
  env: RawEnv = {},
): Promise<RunningApp<AgentConfig>> {
  return startApp(env, loadAgentConfig, (config) =>
    createHttpApp(wrap(AgentModule.forRoot(config), extra), config, TEST_API),
  );
}

const TEST_API = { title: 'test', description: 'test', version: '0' };

class TestRootModule {}

function wrap(root: DynamicModule, extra: Omit<DynamicModule, 'module'>): DynamicModule {
  return { ...extra, module: TestRootModule, imports: [root, ...(extra.imports ?? [])] };
}

async function startApp<C extends { HOST: string; PORT: number }>(
  env: RawEnv,
  load: (raw: RawEnv) => C,
  create: (config: C) => Promise<NestExpressApplication>,
): Promise<RunningApp<C>> {
  const database: TestDatabase = await provisionTestDatabase();
  try {
    const config = load({ ...TEST_ENV, ...database.env, ...env });
    const app = await create(config);
    await app.listen(config.PORT, config.HOST).catch(async (error: unknown) => {
      await app.close().catch(() => undefined);
      throw error;
    });
    const { port } = app.getHttpServer().address() as AddressInfo;
    return {
      app,
      config,
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        await app.close();
        await database.release();
      },
    };
  } catch (error) {
    await database.release();
    throw error;
  }
}
