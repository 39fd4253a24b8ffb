import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Page } from '../../../shared/dto/page-query.dto';
import type { GrantEntity } from '../grant.entity';
import { GRANT_OPERATIONS } from '../grant-operation';

export class GrantView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  userId: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  apiKeyId: string | null;

  @ApiProperty({ format: 'uuid' })
  agentId: string;

  @ApiProperty({ example: 'crm' })
  datasource: string;

  @ApiProperty({ isArray: true, enum: GRANT_OPERATIONS })
  operations: string[];

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class GrantPageView implements Page<GrantView> {
  @ApiProperty({ type: [GrantView] })
  items: GrantView[];

  @ApiProperty()
  total: number;

  @ApiProperty()
  limit: number;

  @ApiProperty()
  offset: number;
}

export function toGrantView(grant: GrantEntity): GrantView {
  return {
    id: grant.id,
    userId: grant.userId,
    apiKeyId: grant.apiKeyId,
    agentId: grant.agentId,
    datasource: grant.datasource,
    operations: grant.operations,
    expiresAt: grant.expiresAt?.toISOString() ?? null,
    createdBy: grant.createdBy,
    createdAt: grant.createdAt.toISOString(),
  };
}
