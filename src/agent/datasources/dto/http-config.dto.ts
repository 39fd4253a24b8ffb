import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { HttpSourceConfig } from '../datasource.types';
import { IsAbsolutePath, IsHeaderMap, IsHttpBaseUrl, IsPathPrefix } from './datasource-validators';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export class HttpTlsDto {
  @ApiPropertyOptional({ description: 'PEM file of CA certificates to trust for the upstream' })
  @IsOptional()
  @IsAbsolutePath()
  caFile?: string;

  @ApiPropertyOptional({ type: Boolean, default: true })
  @IsBoolean()
  rejectUnauthorized = true;
}

/** Defaults apply to omitted fields; an explicit null is refused. */
export class HttpConfigDto implements HttpSourceConfig {
  @ApiProperty({ example: 'http://crm.intranet:8080' })
  @IsHttpBaseUrl()
  baseUrl: string;

  @ApiPropertyOptional({ enum: HTTP_METHODS, isArray: true, default: ['GET', 'HEAD'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(HTTP_METHODS, { each: true })
  allowedMethods: string[] = ['GET', 'HEAD'];

  @ApiPropertyOptional({
    example: ['/api/'],
    default: ['/'],
    description: 'A prefix ending in "/" covers everything below it; "/api" covers /api and /api/*',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsPathPrefix()
  allowedPathPrefixes: string[] = ['/'];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'X-Api-Key': 'secret' },
    description: 'Added to every upstream request, replacing caller headers; values never returned',
  })
  @IsHeaderMap()
  injectHeaders: Record<string, string> = {};

  @ApiPropertyOptional({
    type: Number,
    default: 30_000,
    description: 'Idle timeout of the upstream exchange',
  })
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  timeoutMs = 30_000;

  @ApiPropertyOptional({ type: Number, default: 10_485_760 })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxBodyBytes = 10_485_760;

  @ApiPropertyOptional({ type: HttpTlsDto })
  @ValidateNested()
  @Type(() => HttpTlsDto)
  tls: HttpTlsDto = new HttpTlsDto();
}
