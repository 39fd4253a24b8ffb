import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../../shared/auth/api-auth.decorator';
import { CurrentPrincipal } from '../../../shared/auth/current-principal.decorator';
import type { Principal } from '../../../shared/auth/principal';
import { Role } from '../../../shared/auth/role.enum';
import { Roles } from '../../../shared/auth/roles.decorator';
import { AppException } from '../../../shared/errors/app.exception';
import { ErrorCode } from '../../../shared/errors/error-code';
import { ApiErrorResponses } from '../../../shared/http/api-error-responses.decorator';
import { UuidParam } from '../../../shared/http/uuid-param';
import { normalizeIp } from '../../request-context/trusted-proxies';
import { CreateIpRuleDto, UpdateIpRuleDto } from './dto/ip-rule.dto';
import { EvaluateIpQuery, ListIpRulesQuery } from './dto/ip-rule.query';
import { IpEvaluationView, IpRuleView, toIpRuleView } from './dto/ip-rule.view';
import { IpRulesService } from './ip-rules.service';
import { ApiSecurityResponses } from '../api-security-responses.decorator';

@ApiTags('security')
@ApiAuth()
@ApiSecurityResponses()
@Roles(Role.Admin)
@Controller('api/v1/security/ip-rules')
export class IpRulesController {
  constructor(private readonly rules: IpRulesService) {}

  @Get()
  @ApiOperation({ summary: 'List IP rules in evaluation order (admin)' })
  @ApiResponse({ status: 200, type: [IpRuleView] })
  @ApiErrorResponses(400)
  async list(@Query() query: ListIpRulesQuery): Promise<IpRuleView[]> {
    return (await this.rules.list(query)).map(toIpRuleView);
  }

  @Post()
  @ApiOperation({
    summary: 'Add an allow or deny rule, global or for one user or API key (admin)',
    description:
      'Rules apply at once. Within a layer (global, or one principal) the first matching rule ' +
      'by priority decides; a layer with allow rules denies addresses none of them matches.',
  })
  @ApiResponse({ status: 201, type: IpRuleView })
  @ApiErrorResponses(
    400,
    [404, 'SUBJECT_NOT_FOUND'],
    [409, 'IP_RULE_LOCKOUT: the rule would deny your own address on the admin API'],
  )
  async create(
    @Body() body: CreateIpRuleDto,
    @CurrentPrincipal() actor: Principal,
  ): Promise<IpRuleView> {
    return toIpRuleView(await this.rules.create(body, actor));
  }

  @Get('evaluate')
  @ApiOperation({ summary: 'What the rules decide for an address, scope and principal (admin)' })
  @ApiResponse({ status: 200, type: IpEvaluationView })
  @ApiErrorResponses(400)
  async evaluate(@Query() query: EvaluateIpQuery): Promise<IpEvaluationView> {
    const ip = normalizeIp(query.ip);
    if (!ip) throw new AppException(ErrorCode.ValidationFailed, 'ip must be an IP address', 400);
    const result = await this.rules.evaluate(ip, query.scope, query);
    return { ip, scope: query.scope, ...result };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One IP rule (admin)' })
  @ApiResponse({ status: 200, type: IpRuleView })
  @ApiErrorResponses(400, [404, 'IP_RULE_NOT_FOUND'])
  async get(@UuidParam('id') id: string): Promise<IpRuleView> {
    return toIpRuleView(await this.rules.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an IP rule (admin)' })
  @ApiResponse({ status: 200, type: IpRuleView })
  @ApiErrorResponses(400, [404, 'IP_RULE_NOT_FOUND'], [409, 'IP_RULE_LOCKOUT'])
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateIpRuleDto,
    @CurrentPrincipal() actor: Principal,
  ): Promise<IpRuleView> {
    return toIpRuleView(await this.rules.update(id, body, actor));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an IP rule (admin)' })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, [404, 'IP_RULE_NOT_FOUND'], [409, 'IP_RULE_LOCKOUT'])
  async delete(@UuidParam('id') id: string, @CurrentPrincipal() actor: Principal): Promise<void> {
    await this.rules.delete(id, actor);
  }
}
