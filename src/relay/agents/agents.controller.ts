import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { Role } from '../../shared/auth/role.enum';
import { Roles } from '../../shared/auth/roles.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { UuidParam } from '../../shared/http/uuid-param';
import type { AgentEntity } from './agent.entity';
import { AgentPresence } from './agent-presence';
import { AgentsService } from './agents.service';
import {
  AgentCredentialsView,
  AgentPageView,
  AgentStatusView,
  toAgentCredentialsView,
  toAgentStatusView,
} from './dto/agent.view';
import { CreateAgentDto } from './dto/create-agent.dto';
import { ListAgentsQuery } from './dto/list-agents.query';
import { UpdateAgentDto } from './dto/update-agent.dto';

/** Operators (and admins) register and manage agents. */
@ApiTags('agents')
@ApiAuth()
@Roles(Role.Operator)
@Controller('api/v1/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly presence: AgentPresence,
  ) {}

  private view(agent: AgentEntity): AgentStatusView {
    return toAgentStatusView(agent, this.presence.isOnline(agent.id));
  }

  @Post()
  @ApiOperation({ summary: 'Register an agent; its secret is returned this once' })
  @ApiResponse({ status: 201, type: AgentCredentialsView })
  @ApiErrorResponses(400, [409, 'AGENT_NAME_TAKEN'])
  async create(@Body() body: CreateAgentDto): Promise<AgentCredentialsView> {
    const { agent, secret } = await this.agents.create(body.name, body.description);
    return toAgentCredentialsView(agent, secret);
  }

  @Get()
  @ApiOperation({ summary: 'List agents, filtered and paginated' })
  @ApiResponse({ status: 200, type: AgentPageView })
  @ApiErrorResponses(400)
  async list(@Query() query: ListAgentsQuery): Promise<AgentPageView> {
    const page = await this.agents.list(query);
    return { ...page, items: page.items.map((agent) => this.view(agent)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an agent' })
  @ApiResponse({ status: 200, type: AgentStatusView })
  @ApiErrorResponses(400, [404, 'AGENT_NOT_FOUND'])
  async get(@UuidParam('id') id: string): Promise<AgentStatusView> {
    return this.view(await this.agents.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change an agent's name or description" })
  @ApiResponse({ status: 200, type: AgentStatusView })
  @ApiErrorResponses(400, [404, 'AGENT_NOT_FOUND'], [409, 'AGENT_NAME_TAKEN'])
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateAgentDto,
  ): Promise<AgentStatusView> {
    return this.view(await this.agents.update(id, body));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disable an agent: its secret is refused, its tokens die, its tunnel closes',
  })
  @ApiResponse({ status: 200, type: AgentStatusView })
  @ApiErrorResponses(400, [404, 'AGENT_NOT_FOUND'])
  async disable(@UuidParam('id') id: string): Promise<AgentStatusView> {
    return this.view(await this.agents.disable(id));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable an agent again (its secret works again; old tokens do not)' })
  @ApiResponse({ status: 200, type: AgentStatusView })
  @ApiErrorResponses(400, [404, 'AGENT_NOT_FOUND'])
  async enable(@UuidParam('id') id: string): Promise<AgentStatusView> {
    return this.view(await this.agents.enable(id));
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Issue a new secret (returned this once); the old secret and tokens stop working',
  })
  @ApiResponse({ status: 200, type: AgentCredentialsView })
  @ApiErrorResponses(400, [404, 'AGENT_NOT_FOUND'])
  async rotateSecret(@UuidParam('id') id: string): Promise<AgentCredentialsView> {
    const { agent, secret } = await this.agents.rotateSecret(id);
    return toAgentCredentialsView(agent, secret);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an agent and its grants; its tunnel closes' })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, [404, 'AGENT_NOT_FOUND'])
  async delete(@UuidParam('id') id: string): Promise<void> {
    await this.agents.delete(id);
  }
}
