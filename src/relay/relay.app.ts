import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type RawEnv } from '../shared/config/load-config';
import { createHttpApp } from '../shared/http/create-http-app';
import { RelayConfig } from './relay.config';
import { RelayModule } from './relay.module';

export function loadRelayConfig(raw: RawEnv): RelayConfig {
  return loadConfig(RelayConfig, raw);
}

export async function createRelayApp(config: RelayConfig): Promise<NestExpressApplication> {
  return createHttpApp(RelayModule.forRoot(config), config, {
    title: 'intrabridge relay',
    description:
      'Public relay: authenticated HTTP proxy to intranet agents, users and access, monitoring.',
    version: '1',
  });
}
