import { Module } from '@nestjs/common';
import { AttemptStore } from './attempt-store';
import { InMemoryAttemptStore } from './in-memory-attempt-store';
import { LoginThrottleService } from './login-throttle.service';

@Module({
  providers: [LoginThrottleService, { provide: AttemptStore, useClass: InMemoryAttemptStore }],
  exports: [LoginThrottleService],
})
export class LoginThrottleModule {}
