import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { Roles } from '../../shared/auth/roles.decorator';
import { Role } from '../../shared/auth/role.enum';
import { UuidParam } from '../../shared/http/uuid-param';
import { AgentCatalogService, type AgentCatalogView } from './agent-catalog.service';

@ApiTags('agents')
@ApiAuth()
@Controller('api/v1/agents')
export class AgentCatalogController {
  constructor(private readonly catalogs: AgentCatalogService) {}

  @Get(':id/datasources')
  @Roles(Role.Operator, Role.Auditor)
  @ApiOperation({
    summary: "The agent's datasources: live while it is connected, else the last it announced",
    description: 'Roles: operator, auditor, admin. Errors: 404 AGENT_NOT_FOUND.',
  })
  @ApiOkResponse({ description: '{agentId, online, reportedAt, datasources[]}' })
  async datasources(@UuidParam('id') id: string): Promise<AgentCatalogView> {
    return this.catalogs.view(id);
  }
}
