import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AgentBlockEntity } from '../agent-block.entity';

export class KickResultView {
  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ format: 'uuid' })
  agentId: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  blockedUntil: string | null;
}

export class AgentBlockView {
  @ApiProperty({ format: 'uuid' })
  agentId: string;

  @ApiProperty({ type: String, format: 'date-time' })
  blockedUntil: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  reason: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export function toAgentBlockView(block: AgentBlockEntity): AgentBlockView {
  return {
    agentId: block.agentId,
    blockedUntil: block.blockedUntil.toISOString(),
    reason: block.reason,
    createdBy: block.createdBy,
    createdAt: block.createdAt.toISOString(),
  };
}
