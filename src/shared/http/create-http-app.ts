import type { DynamicModule } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { SecuritySchemeObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Logger } from 'nestjs-pino';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../auth/api-auth.decorator';
import type { AppConfig } from '../config/app.config';
import { AppExceptionFilter } from '../errors/app-exception.filter';
import { createValidationPipe } from '../errors/validation.pipe';
import { requestIdMiddleware } from '../logging/request-id.middleware';
import { httpServerLimits, LimitedExpressAdapter } from './http-server-limits';
import { jsonBody } from './json-body';
import { normalizeOpenApiDocument } from './openapi-document';
import { QuietFrameworkLogger } from '../logging/quiet-framework-logger';

export interface ApiDescription {
  title: string;
  description: string;
  version: string;
  /** Security schemes offered under Authorize; the relay's user token and API key by default. */
  securitySchemes?: Record<string, SecuritySchemeObject>;
  /** Tags whose routes go to the end of the page. */
  lastTags?: readonly string[];
}

const RELAY_SECURITY: Record<string, SecuritySchemeObject> = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    description: 'User access token (JWT) or API key',
  },
  [API_KEY_SCHEME]: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key' },
};

export interface HttpAppOptions {
  /** Path prefixes whose request bodies are streamed by their handlers, never parsed. */
  streamedPrefixes?: readonly string[];
  /** Serve the app's WebSocket gateways (raw `ws`, binary frames) on the same port. */
  webSockets?: boolean;
}

export const JSON_BODY_LIMIT = '1mb';

/**
 * Builds a profile's Nest app with what every profile shares: structured logger, one error
 * shape, strict validation, JSON body limit and the OpenAPI document at /docs.
 */
export async function createHttpApp(
  rootModule: DynamicModule,
  config: AppConfig,
  api: ApiDescription,
  options: HttpAppOptions = {},
): Promise<NestExpressApplication> {
  const adapter = new LimitedExpressAdapter(httpServerLimits(config));
  const app = await NestFactory.create<NestExpressApplication>(rootModule, adapter, {
    httpsOptions: config.TLS_CERT_FILE
      ? { cert: readFileSync(config.TLS_CERT_FILE), key: readFileSync(config.TLS_KEY_FILE!) }
      : undefined,
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(new QuietFrameworkLogger(app.get(Logger)));
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(...jsonBody(JSON_BODY_LIMIT, options.streamedPrefixes));
  if (options.webSockets) {
    // Gateways here speak binary frames; skip the adapter's per-message JSON parsing.
    app.useWebSocketAdapter(new WsAdapter(app, { messageParser: () => undefined }));
  }
  app.useGlobalFilters(new AppExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  setUpSwagger(app, api);
  app.flushLogs();
  return app;
}

function setUpSwagger(app: NestExpressApplication, api: ApiDescription): void {
  const builder = new DocumentBuilder()
    .setTitle(api.title)
    .setDescription(api.description)
    .setVersion(api.version);
  for (const [name, scheme] of Object.entries(api.securitySchemes ?? RELAY_SECURITY)) {
    builder.addSecurity(name, scheme);
  }
  const document = builder.build();
  const create = () =>
    normalizeOpenApiDocument(SwaggerModule.createDocument(app, document), api.lastTags);
  SwaggerModule.setup('docs', app, create, {
    jsonDocumentUrl: 'docs-json',
    // A page reload keeps the token entered under Authorize.
    swaggerOptions: { persistAuthorization: true },
  });
}
