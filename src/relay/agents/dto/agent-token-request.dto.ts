import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class AgentTokenRequestDto {
  @ApiProperty({ format: 'uuid', description: 'AGENT_ID' })
  @IsUUID()
  agentId: string;

  @ApiProperty({ format: 'password', writeOnly: true, description: 'AGENT_SECRET' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  secret: string;
}
