import { Global, Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { ShutdownDrain } from './shutdown-drain';

/** The shutdown drain every profile's serveUntilSignal runs before closing the app. */
@Global()
@Module({
  imports: [HealthModule],
  providers: [ShutdownDrain],
  exports: [ShutdownDrain],
})
export class LifecycleModule {}
