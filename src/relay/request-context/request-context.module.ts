import { Global, Module } from '@nestjs/common';
import { ClientIpResolver } from './client-ip.resolver';
import { RequestContextMiddleware } from './request-context.middleware';

/**
 * Client addresses (trusted proxies) and the per-request context, for every relay module
 * (its middleware runs first in the declared pipeline, see DataPlaneModule).
 */
@Global()
@Module({
  providers: [ClientIpResolver, RequestContextMiddleware],
  exports: [ClientIpResolver, RequestContextMiddleware],
})
export class RequestContextModule {}
