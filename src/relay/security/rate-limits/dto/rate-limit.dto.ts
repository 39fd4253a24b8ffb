import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export class CreateRateLimitDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The user (and their API keys without one)' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One API key' })
  @IsOptional()
  @IsUUID()
  apiKeyId?: string;

  @ApiProperty({ minimum: 1, maximum: 10_000_000, example: 100 })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  maxRequests: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 86_400,
    description: 'Window in seconds (default RATE_LIMIT_WINDOW)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  windowSeconds?: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class UpdateRateLimitDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 10_000_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  maxRequests?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 86_400 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  windowSeconds?: number;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string | null;
}
