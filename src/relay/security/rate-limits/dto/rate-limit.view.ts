import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RateLimitEntity } from '../rate-limit.entity';

export class RateLimitView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  userId: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  apiKeyId: string | null;

  @ApiProperty()
  maxRequests: number;

  @ApiProperty()
  windowSeconds: number;

  @ApiPropertyOptional({ type: String, nullable: true })
  note: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;
}

export class RateLimitDefaultsView {
  @ApiProperty({ description: 'RATE_LIMIT_PER_IP (0: off)' })
  perIp: number;

  @ApiProperty({ description: 'RATE_LIMIT_PER_PRINCIPAL (0: off unless overridden)' })
  perPrincipal: number;

  @ApiProperty({ description: 'RATE_LIMIT_WINDOW in seconds' })
  windowSeconds: number;

  @ApiProperty({ description: 'IPv6 clients are counted per network of this prefix' })
  ipv6Prefix: number;

  @ApiProperty({ enum: ['memory', 'redis'] })
  store: 'memory' | 'redis';
}

export class RateLimitsView {
  @ApiProperty({ type: RateLimitDefaultsView })
  defaults: RateLimitDefaultsView;

  @ApiProperty({ type: [RateLimitView] })
  overrides: RateLimitView[];
}

export function toRateLimitView(limit: RateLimitEntity): RateLimitView {
  return {
    id: limit.id,
    userId: limit.userId,
    apiKeyId: limit.apiKeyId,
    maxRequests: limit.maxRequests,
    windowSeconds: limit.windowSeconds,
    note: limit.note,
    createdBy: limit.createdBy,
    createdAt: limit.createdAt.toISOString(),
    updatedAt: limit.updatedAt.toISOString(),
  };
}
