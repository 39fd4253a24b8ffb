import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class DataLogQueryDto {
  @ApiPropertyOptional({ description: 'Datasource name' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  datasource?: string;

  @ApiPropertyOptional({ description: 'An exact status (404) or a class (5xx)', example: '5xx' })
  @IsOptional()
  @Matches(/^[1-5](\d\d|xx)$/, { message: 'status must be a status like 404 or a class like 5xx' })
  status?: string;

  @ApiPropertyOptional({ description: 'Principal id or name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  principal?: string;

  @ApiPropertyOptional({ enum: ['user', 'apiKey'] })
  @IsOptional()
  @IsIn(['user', 'apiKey'])
  principalType?: string;

  @ApiPropertyOptional({ description: "The relay's request id" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @ApiPropertyOptional({ description: 'Error code, e.g. PATH_NOT_ALLOWED' })
  @IsOptional()
  @Matches(/^[A-Z_]{1,64}$/)
  errorCode?: string;

  @ApiPropertyOptional({ description: 'Calls at or after this time (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'Calls before this time (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}
