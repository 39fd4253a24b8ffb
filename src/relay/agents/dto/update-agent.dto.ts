import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AGENT_NAME_PATTERN, IsAgentName } from './agent-name';

/** Name and description only; enabling, disabling and rotation have their own endpoints. */
export class UpdateAgentDto {
  @ApiPropertyOptional({ pattern: AGENT_NAME_PATTERN.source })
  @IsOptional()
  @IsAgentName()
  name?: string;

  @ApiPropertyOptional({ maxLength: 500, type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}
