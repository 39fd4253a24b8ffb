import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import { SecurityModule } from '../security/security.module';
import { DATA_PLANE } from './data-plane';

/**
 * Registers the declared pipeline with Nest: its middleware for every route, in one
 * `apply` so their order is the list's, and its guards as the app's only global guards
 * (Nest runs global guards in the order they are provided). The modules that own the
 * middleware and guards export them; none registers them itself.
 */
@Module({
  imports: [AuthModule, SecurityModule],
  providers: DATA_PLANE.guards.map((guard) => ({ provide: APP_GUARD, useExisting: guard })),
})
export class DataPlaneModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(...DATA_PLANE.middleware).forRoutes('*');
  }
}
