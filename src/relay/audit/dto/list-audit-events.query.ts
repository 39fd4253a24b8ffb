import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { AuditFilterQuery } from './audit-filter.query';

export const MAX_AUDIT_PAGE = 500;

export class ListAuditEventsQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_AUDIT_PAGE, default: 50 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  limit: number = 50;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page (newest first)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cursor is not one this API issued' })
  cursor?: string;
}
