import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ClientIpResolver } from './client-ip.resolver';
import { RequestContextMiddleware } from './request-context.middleware';

/** Client addresses (trusted proxies) and the per-request context, for every relay module. */
@Global()
@Module({
  providers: [ClientIpResolver, RequestContextMiddleware],
  exports: [ClientIpResolver, RequestContextMiddleware],
})
export class RequestContextModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*');
  }
}
