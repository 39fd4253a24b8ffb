import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
} from 'class-validator';
import { GRANT_OPERATIONS, normalizeOperation } from '../grant-operation';

/** A datasource name as agents publish it (URL-safe slug, at most 64), or `*`. */
export const GRANT_DATASOURCE_PATTERN = /^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

export class CreateGrantDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The user granted (or give apiKeyId)' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The API key granted (or give userId)' })
  @IsOptional()
  @IsUUID()
  apiKeyId?: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  agentId: string;

  @ApiProperty({ example: 'crm', description: 'Datasource name, or * for all of the agent’s' })
  @IsString()
  @Matches(GRANT_DATASOURCE_PATTERN, {
    message: 'datasource must be * or a name of letters, digits, dot, dash, underscore (max 64)',
  })
  datasource: string;

  @ApiProperty({ isArray: true, enum: GRANT_OPERATIONS, example: ['GET', 'query'] })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? value.map((op: unknown) => (typeof op === 'string' ? (normalizeOperation(op) ?? op) : op))
      : value,
  )
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GRANT_OPERATIONS.length)
  @ArrayUnique()
  @IsIn(GRANT_OPERATIONS, { each: true })
  operations: string[];

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Unset: no expiry' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expiresAt?: string;
}
