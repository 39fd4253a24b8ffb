import { Module } from '@nestjs/common';
import { AttemptStore } from './attempt-store';
import { InMemoryAttemptStore } from './in-memory-attempt-store';
import { LoginLocksService } from './login-locks.service';
import { LoginThrottleController } from './login-throttle.controller';
import { LoginThrottleService } from './login-throttle.service';

@Module({
  controllers: [LoginThrottleController],
  providers: [
    LoginThrottleService,
    LoginLocksService,
    { provide: AttemptStore, useClass: InMemoryAttemptStore },
  ],
  exports: [LoginThrottleService],
})
export class LoginThrottleModule {}
