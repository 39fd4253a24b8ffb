import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { DATASOURCE_NAME, DATASOURCE_TYPES, type DatasourceType } from '../datasource.types';
import { HasSettingsForType } from './datasource-validators';
import { FileConfigDto } from './file-config.dto';
import { HttpConfigDto } from './http-config.dto';
import { PostgresConfigDto } from './postgres-config.dto';

export class CreateDatasourceDto {
  @ApiProperty({ example: 'crm', pattern: DATASOURCE_NAME.source })
  @Matches(DATASOURCE_NAME, {
    message:
      'name must be a slug: lowercase letters, digits and "-", at most 63, not starting with "-"',
  })
  name: string;

  @ApiProperty({ enum: DATASOURCE_TYPES })
  @IsIn(DATASOURCE_TYPES)
  @HasSettingsForType()
  type: DatasourceType;

  @ApiPropertyOptional({ example: 'CRM API' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ type: Boolean, default: true })
  @IsBoolean()
  enabled = true;

  @ApiPropertyOptional({ type: HttpConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HttpConfigDto)
  http?: HttpConfigDto;

  @ApiPropertyOptional({ type: PostgresConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PostgresConfigDto)
  postgres?: PostgresConfigDto;

  @ApiPropertyOptional({ type: FileConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FileConfigDto)
  file?: FileConfigDto;
}
