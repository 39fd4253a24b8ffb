import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AGENT_NAME_PATTERN, IsAgentName } from './agent-name';

export class CreateAgentDto {
  @ApiProperty({ example: 'plant-7', pattern: AGENT_NAME_PATTERN.source })
  @IsAgentName()
  name: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}
