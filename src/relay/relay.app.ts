import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type RawEnv } from '../shared/config/load-config';
import { createHttpApp, type HttpAppOptions } from '../shared/http/create-http-app';
import { PROXY_PREFIX } from './proxy/proxy-target';
import { RelayConfig } from './relay.config';
import { RelayModule } from './relay.module';

export function loadRelayConfig(raw: RawEnv): RelayConfig {
  return loadConfig(RelayConfig, raw);
}

export const RELAY_HTTP_OPTIONS: HttpAppOptions = {
  streamedPrefixes: [PROXY_PREFIX],
  webSockets: true,
};

export async function createRelayApp(config: RelayConfig): Promise<NestExpressApplication> {
  return createHttpApp(
    RelayModule.forRoot(config),
    config,
    {
      title: 'intrabridge relay',
      description:
        'Public relay: authenticated HTTP proxy to intranet agents, users and access, monitoring.',
      version: '1',
      // The catch-all proxy routes are registered first; the page opens on the API instead.
      lastTags: ['proxy'],
    },
    RELAY_HTTP_OPTIONS,
  );
}
