import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import type { FileSourceConfig } from '../datasource.types';
import { IsAbsolutePath } from './datasource-validators';

export class FileConfigDto implements FileSourceConfig {
  @ApiProperty({ example: '/srv/reports', description: 'Served read-only; nothing outside it' })
  @IsAbsolutePath()
  root: string;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Serve and list names starting with "."',
  })
  @IsBoolean()
  allowHidden = false;

  @ApiPropertyOptional({
    type: Number,
    default: 10_000,
    description: 'Longest directory listing returned',
  })
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxListEntries = 10_000;
}
