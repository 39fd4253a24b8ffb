import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Page } from '../../../shared/dto/page-query.dto';
import type { ApiKeyEntity } from '../api-key.entity';

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** An API key as listed: its visible prefix, never the key or its hash. */
export class ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'ib_3f9a2c1d', description: 'Recognise a key by its first part' })
  prefix: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ enum: ['active', 'expired', 'revoked'] })
  status: ApiKeyStatus;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  revokedAt: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

/** Returned once, on creation: the only time the key itself is shown. */
export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The key. Store it now: it cannot be shown again' })
  key: string;
}

export class ApiKeyPageView implements Page<ApiKeyView> {
  @ApiProperty({ type: [ApiKeyView] })
  items: ApiKeyView[];

  @ApiProperty()
  total: number;

  @ApiProperty()
  limit: number;

  @ApiProperty()
  offset: number;
}

export function apiKeyStatus(key: ApiKeyEntity, now = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

export function toApiKeyView(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    userId: key.userId,
    status: apiKeyStatus(key),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}

export function toCreatedApiKeyView(key: ApiKeyEntity, secret: string): CreatedApiKeyView {
  return { ...toApiKeyView(key), key: secret };
}
