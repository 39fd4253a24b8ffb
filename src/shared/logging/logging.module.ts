import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';
import { NodeEnv } from '../config/app-profile';
import { assignRequestId } from './request-id';

/** Header and body fields that may carry credentials; pino replaces them before writing. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.currentPassword',
  '*.newPassword',
  '*.apiKey',
  '*.key',
];

/**
 * Structured logs: JSON lines in production, pretty-printed in development; every request
 * log line carries the request id.
 */
@Module({})
export class LoggingModule {
  /**
   * @param unloggedRoutes routes that get no per-request log line nor logging context: hot
   *   paths with their own record (the relay's proxy calls go to transfer statistics)
   */
  static forRoot(config: AppConfig, unloggedRoutes: string[] = []): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          exclude: unloggedRoutes.map((path) => ({ method: RequestMethod.ALL, path })),
          pinoHttp: {
            level: config.LOG_LEVEL,
            base: { profile: config.APP_PROFILE },
            genReqId: (req, res) => (req as { id?: string }).id ?? assignRequestId(req, res),
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            quietReqLogger: true,
            autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url?.split('?')[0],
              }),
            },
            transport:
              config.NODE_ENV === NodeEnv.Development
                ? {
                    target: 'pino-pretty',
                    options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
                  }
                : undefined,
          },
        }),
      ],
    };
  }
}
