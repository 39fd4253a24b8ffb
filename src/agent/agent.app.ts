import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type RawEnv } from '../shared/config/load-config';
import { createHttpApp } from '../shared/http/create-http-app';
import { ADMIN_TOKEN_SECURITY } from './admin-auth/api-admin-auth.decorator';
import { AgentConfig } from './agent.config';
import { AgentModule } from './agent.module';

export function loadAgentConfig(raw: RawEnv): AgentConfig {
  return loadConfig(AgentConfig, raw);
}

export async function createAgentApp(config: AgentConfig): Promise<NestExpressApplication> {
  return createHttpApp(AgentModule.forRoot(config), config, {
    title: 'intrabridge agent',
    description: 'Intranet agent admin API: data sources, relay connection, data log.',
    version: '1',
    securitySchemes: ADMIN_TOKEN_SECURITY,
  });
}
