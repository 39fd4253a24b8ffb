import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD, ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { AuthModule } from '../auth/auth.module';
import { SecurityModule } from '../security/security.module';
import { DATA_PLANE } from './data-plane';

/**
 * Registers the declared pipeline with Nest: its middleware for every route, in one
 * `apply` so their order is the list's, and its guards as the app's only global guards
 * (Nest runs global guards in the order they are provided). The middleware are applied as
 * the instances their modules own (the ones the proxy fast lane runs), not as classes Nest
 * would build again here. The modules that own them export them; none registers them itself.
 */
@Module({
  imports: [AuthModule, SecurityModule],
  providers: DATA_PLANE.guards.map((guard) => ({ provide: APP_GUARD, useExisting: guard })),
})
export class DataPlaneModule implements NestModule {
  constructor(private readonly moduleRef: ModuleRef) {}

  configure(consumer: MiddlewareConsumer): void {
    const instances = DATA_PLANE.middleware.map((type) =>
      this.moduleRef.get(type, { strict: false }),
    );
    // Returned promises reach Nest's middleware proxy, which answers a rejection with the
    // exception filters, as for class middleware.
    const handlers = instances.map(
      (middleware) => (req: Request, res: Response, next: NextFunction) =>
        middleware.use(req, res, next) as unknown,
    );
    consumer.apply(...handlers).forRoutes('*');
  }
}
