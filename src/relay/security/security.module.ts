import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { SecurityDenials } from './security-denials';
import { IpRulesModule } from './ip-rules/ip-rules.module';
import { PrincipalIpGuard } from './principal-ip.guard';
import {
  PRINCIPAL_THROTTLER,
  PrincipalRateLimitGuard,
  principalOf,
  principalTracker,
} from './principal-rate-limit.guard';
import { RateLimitStore } from './rate-limits/rate-limit-store';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { RateLimitsService } from './rate-limits/rate-limits.service';
import { SecurityController } from './security.controller';
import { SecurityMiddleware } from './security.middleware';

/**
 * Security control: IP rules, rate limits, body-size limits. The middleware checks what
 * needs no principal before authentication; the two guards check the principal's IP rules
 * and rate limit after it. DataPlaneModule registers them, in the declared pipeline's order.
 */
@Module({
  imports: [
    IpRulesModule,
    RateLimitsModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitsModule],
      inject: [RateLimitsService, RateLimitStore],
      useFactory: (limits: RateLimitsService, store: RateLimitStore) => ({
        storage: store,
        throttlers: [
          {
            name: PRINCIPAL_THROTTLER,
            limit: async (context) => {
              const principal = principalOf(context);
              return principal ? (await limits.effectiveLimit(principal)).limit : 0;
            },
            ttl: async (context) => {
              const principal = principalOf(context);
              return principal ? (await limits.effectiveLimit(principal)).windowMs : 1_000;
            },
            blockDuration: 0,
            getTracker: (req: { principal?: Parameters<typeof principalTracker>[0] }) =>
              req.principal ? principalTracker(req.principal) : 'anonymous',
            generateKey: (_context, tracker, name) => `${name}:${tracker}`,
          },
        ],
      }),
    }),
  ],
  controllers: [SecurityController],
  providers: [SecurityDenials, SecurityMiddleware, PrincipalIpGuard, PrincipalRateLimitGuard],
  exports: [IpRulesModule, SecurityMiddleware, PrincipalIpGuard, PrincipalRateLimitGuard],
})
export class SecurityModule {}
