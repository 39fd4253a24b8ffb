import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import {
  QUERY_PARAM_TYPES,
  type NamedQuery,
  type PostgresSourceConfig,
  type QueryParamSpec,
  type QueryParamType,
} from '../datasource.types';
import { coerceParam } from '../postgres/query-params';
import { HasUniqueNames, IsPostgresUrl, UsesDeclaredPlaceholders } from './datasource-validators';

/** On `default`: the value passes the parameter's own declaration. */
function IsValidDefault(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isValidDefault',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'default must satisfy the parameter declaration' },
      validator: {
        validate: (value, args) =>
          value === undefined ||
          (args !== undefined && coerceParam(args.object as QueryParamSpec, value).ok),
      },
    });
}

export class QueryParamDto implements QueryParamSpec {
  @ApiProperty({ example: 'customerId' })
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'name must be an identifier' })
  name: string;

  @ApiProperty({ enum: QUERY_PARAM_TYPES })
  @IsIn(QUERY_PARAM_TYPES)
  type: QueryParamType;

  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsBoolean()
  required = false;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    description: 'Used when the caller omits the parameter',
  })
  @IsOptional()
  @IsValidDefault()
  default?: unknown;

  @ApiPropertyOptional({ description: 'Lower bound (integer, number)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  min?: number;

  @ApiPropertyOptional({ description: 'Upper bound (integer, number)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  max?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  minLength?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxLength?: number;

  @ApiPropertyOptional({ description: 'The only values accepted' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  enum?: Array<string | number>;
}

export class NamedQueryDto implements NamedQuery {
  @ApiProperty({ example: 'orders_by_customer' })
  @Matches(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$/, {
    message: 'name must be letters, digits, "_" or "-" (at most 63)',
  })
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({ example: 'select * from orders where customer_id = $1' })
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  @UsesDeclaredPlaceholders()
  sql: string;

  @ApiPropertyOptional({ type: [QueryParamDto], default: [] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => QueryParamDto)
  @HasUniqueNames()
  params: QueryParamDto[] = [];

  @ApiPropertyOptional({
    type: Number,
    default: 10_000,
    description: 'Rows beyond it are not sent',
  })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  maxRows = 10_000;

  @ApiPropertyOptional({
    type: Number,
    default: 10_000,
    description: 'Longest time the query may run, streaming its result included',
  })
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  timeoutMs = 10_000;

  @ApiPropertyOptional({
    type: Boolean,
    default: true,
    description: 'Run in a READ ONLY transaction',
  })
  @IsBoolean()
  readOnly = true;
}

export class PostgresConfigDto implements PostgresSourceConfig {
  @ApiProperty({
    example: 'postgres://reader:secret@db.intranet/sales',
    description: 'Returned with the password replaced by ***',
  })
  @IsPostgresUrl()
  url: string;

  @ApiPropertyOptional({ type: Number, default: 4, description: 'Pool size (opened lazily)' })
  @IsInt()
  @Min(1)
  @Max(50)
  maxConnections = 4;

  @ApiPropertyOptional({ type: [NamedQueryDto], default: [] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => NamedQueryDto)
  @HasUniqueNames()
  queries: NamedQueryDto[] = [];
}
