import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RateLimitEntity } from './rate-limit.entity';
import { RateLimitStore } from './rate-limit-store';
import { RateLimitsController } from './rate-limits.controller';
import { RateLimitsService } from './rate-limits.service';

@Module({
  imports: [TypeOrmModule.forFeature([RateLimitEntity])],
  controllers: [RateLimitsController],
  providers: [RateLimitsService, RateLimitStore],
  exports: [RateLimitsService, RateLimitStore],
})
export class RateLimitsModule {}
