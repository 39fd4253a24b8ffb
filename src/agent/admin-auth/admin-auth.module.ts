import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminTokenGuard } from './admin-token.guard';

/** Protects the whole agent admin API with the local admin token. */
@Module({
  providers: [{ provide: APP_GUARD, useClass: AdminTokenGuard }],
})
export class AdminAuthModule {}
