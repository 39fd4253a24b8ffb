import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

/**
 * A partial update. The settings object of the datasource's type is merged field by field
 * into the stored one and the result is validated as a whole; a secret sent back as `***`
 * (as the API shows it) keeps its stored value. Name and type never change.
 */
export class UpdateDatasourceDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Fields of the http settings to change',
  })
  @IsOptional()
  @IsObject()
  http?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Fields of the postgres settings to change',
  })
  @IsOptional()
  @IsObject()
  postgres?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Fields of the file settings to change',
  })
  @IsOptional()
  @IsObject()
  file?: Record<string, unknown>;
}
