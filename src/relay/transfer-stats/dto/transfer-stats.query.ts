import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';

export const BUCKETS = ['minute', 'hour', 'day', 'total'] as const;
export type Bucket = (typeof BUCKETS)[number];

export const GROUP_DIMENSIONS = [
  'agent',
  'datasource',
  'principal',
  'statusClass',
  'contentType',
] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

/** Filters shared by aggregates and record listing. */
export class TransferFilterQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: `to` minus 24 hours' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive; default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'datasource is not a datasource name' })
  datasource?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A user or API key id' })
  @IsOptional()
  @IsUUID()
  principalId?: string;
}

export class AggregateQuery extends TransferFilterQuery {
  @ApiPropertyOptional({ enum: BUCKETS, default: 'hour', description: '`total`: one bucket' })
  @IsIn(BUCKETS)
  bucket: Bucket = 'hour';

  @ApiPropertyOptional({
    description: 'Comma-separated dimensions to group by',
    example: 'agent,statusClass',
    enum: GROUP_DIMENSIONS,
    isArray: true,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : value,
  )
  @IsIn(GROUP_DIMENSIONS, { each: true })
  @ArrayUnique()
  @ArrayMaxSize(GROUP_DIMENSIONS.length)
  groupBy: GroupDimension[] = [];
}

export class ListTransferRecordsQuery extends TransferFilterQuery {
  @ApiPropertyOptional({ minimum: 100, maximum: 599 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(999)
  status?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page (newest first)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cursor is not one this API issued' })
  cursor?: string;
}
