import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { QueryBoolean } from '../../../../shared/dto/query-boolean';
import { SecurityScope } from '../../security-scope';

export class ListIpRulesQuery {
  @ApiPropertyOptional({ enum: SecurityScope })
  @IsOptional()
  @IsEnum(SecurityScope)
  scope?: SecurityScope;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  apiKeyId?: string;

  @ApiPropertyOptional({ description: 'true: only global rules; false: only per-principal rules' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  global?: boolean;
}

export class EvaluateIpQuery {
  @ApiProperty({ example: '203.0.113.9' })
  @IsString()
  @MaxLength(64)
  ip: string;

  @ApiProperty({ enum: SecurityScope })
  @IsEnum(SecurityScope)
  scope: SecurityScope;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  apiKeyId?: string;
}
