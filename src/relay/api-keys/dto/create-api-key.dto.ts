import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'billing-system' })
  @IsString()
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Unset: no expiry' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expiresAt?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Admins only: create the key for another user (default: yourself)',
  })
  @IsOptional()
  @IsUUID()
  userId?: string;
}
