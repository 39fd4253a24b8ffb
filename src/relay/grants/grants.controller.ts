import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { CurrentPrincipal } from '../../shared/auth/current-principal.decorator';
import type { Principal } from '../../shared/auth/principal';
import { Role } from '../../shared/auth/role.enum';
import { Roles } from '../../shared/auth/roles.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { UuidParam } from '../../shared/http/uuid-param';
import { CreateGrantDto } from './dto/create-grant.dto';
import { GrantPageView, GrantView, toGrantView } from './dto/grant.view';
import { ListGrantsQuery } from './dto/list-grants.query';
import { GrantsService } from './grants.service';

/**
 * Admins create and delete grants. Operators (who run the agents) and auditors (who review
 * access) may read them.
 */
@ApiTags('grants')
@ApiAuth()
@Roles(Role.Admin)
@Controller('api/v1/grants')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Post()
  @ApiOperation({ summary: "Grant a user or an API key access to an agent's datasource (admin)" })
  @ApiResponse({ status: 201, type: GrantView })
  @ApiErrorResponses(400, [404, 'USER_NOT_FOUND, API_KEY_NOT_FOUND or AGENT_NOT_FOUND'])
  async create(
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateGrantDto,
  ): Promise<GrantView> {
    return toGrantView(await this.grants.create(actor, body));
  }

  @Get()
  @Roles(Role.Operator, Role.Auditor)
  @ApiOperation({ summary: 'List grants by user, API key or agent (admin, operator, auditor)' })
  @ApiResponse({ status: 200, type: GrantPageView })
  @ApiErrorResponses(400)
  async list(@Query() query: ListGrantsQuery): Promise<GrantPageView> {
    const page = await this.grants.list(query);
    return { ...page, items: page.items.map(toGrantView) };
  }

  @Get(':id')
  @Roles(Role.Operator, Role.Auditor)
  @ApiOperation({ summary: 'Get a grant (admin, operator, auditor)' })
  @ApiResponse({ status: 200, type: GrantView })
  @ApiErrorResponses(400, [404, 'GRANT_NOT_FOUND'])
  async get(@UuidParam('id') id: string): Promise<GrantView> {
    return toGrantView(await this.grants.get(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a grant; access ends at once (admin)' })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, [404, 'GRANT_NOT_FOUND'])
  async delete(@UuidParam('id') id: string): Promise<void> {
    await this.grants.delete(id);
  }
}
