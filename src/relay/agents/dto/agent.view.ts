import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Page } from '../../../shared/dto/page-query.dto';
import type { AgentEntity } from '../agent.entity';

/** An agent as the API and other modules see it: never its secret hash. */
export class AgentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'plant-7' })
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  description: string | null;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When a tunnel session of the agent last opened or ended, refreshed every minute while ' +
      'connected; null: never connected',
  })
  lastSeenAt: string | null;
}

/** An agent with whether it is connected now, as the agent API answers. */
export class AgentStatusView extends AgentView {
  @ApiProperty({ description: 'The agent holds a live tunnel session on this relay' })
  online: boolean;
}

/** Registration and rotation answer: the secret, shown this once. */
export class AgentCredentialsView extends AgentView {
  @ApiProperty({
    description: 'The agent secret (AGENT_SECRET). Store it now: it cannot be shown again',
  })
  secret: string;
}

export class AgentPageView implements Page<AgentStatusView> {
  @ApiProperty({ type: [AgentStatusView] })
  items: AgentStatusView[];

  @ApiProperty()
  total: number;

  @ApiProperty()
  limit: number;

  @ApiProperty()
  offset: number;
}

export function toAgentView(agent: AgentEntity): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    description: agent.description,
    enabled: agent.enabled,
    createdAt: agent.createdAt.toISOString(),
    updatedAt: agent.updatedAt.toISOString(),
    lastSeenAt: agent.lastSeenAt?.toISOString() ?? null,
  };
}

export function toAgentStatusView(agent: AgentEntity, online: boolean): AgentStatusView {
  return { ...toAgentView(agent), online };
}

export function toAgentCredentialsView(agent: AgentEntity, secret: string): AgentCredentialsView {
  return { ...toAgentView(agent), secret };
}
