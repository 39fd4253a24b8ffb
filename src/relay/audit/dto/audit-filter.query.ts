import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AuditActorType, AuditOutcome } from '../audit-action';

/** Filters shared by listing and export; every one is optional and they combine with AND. */
export class AuditFilterQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events before this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Actor id or actor name (exact)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ enum: AuditActorType })
  @IsOptional()
  @IsEnum(AuditActorType)
  actorType?: AuditActorType;

  @ApiPropertyOptional({ description: 'Actor IP address (exact)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actorIp?: string;

  @ApiPropertyOptional({
    description: 'An action (`auth.login`) or every action of an area (`auth.*`)',
    example: 'auth.*',
  })
  @IsOptional()
  @Matches(/^[a-z_]+(\.([a-z_]+|\*))?$/, { message: 'action must look like auth.login or auth.*' })
  action?: string;

  @ApiPropertyOptional({ example: 'user' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  targetType?: string;

  @ApiPropertyOptional({ description: 'Target id (exact)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  target?: string;

  @ApiPropertyOptional({ enum: AuditOutcome })
  @IsOptional()
  @IsEnum(AuditOutcome)
  outcome?: AuditOutcome;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;
}
