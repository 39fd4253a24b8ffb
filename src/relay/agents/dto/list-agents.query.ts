import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../shared/dto/page-query.dto';
import { QueryBoolean } from '../../../shared/dto/query-boolean';

export class ListAgentsQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Matches part of the name or description' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  enabled?: boolean;
}
