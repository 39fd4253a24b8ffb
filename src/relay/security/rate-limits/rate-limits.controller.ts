import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../../shared/auth/api-auth.decorator';
import { CurrentPrincipal } from '../../../shared/auth/current-principal.decorator';
import type { Principal } from '../../../shared/auth/principal';
import { Role } from '../../../shared/auth/role.enum';
import { Roles } from '../../../shared/auth/roles.decorator';
import { ApiErrorResponses } from '../../../shared/http/api-error-responses.decorator';
import { UuidParam } from '../../../shared/http/uuid-param';
import { RelayConfig } from '../../relay.config';
import { CreateRateLimitDto, UpdateRateLimitDto } from './dto/rate-limit.dto';
import { RateLimitsView, RateLimitView, toRateLimitView } from './dto/rate-limit.view';
import { RateLimitStore } from './rate-limit-store';
import { RateLimitsService } from './rate-limits.service';
import { ApiSecurityResponses } from '../api-security-responses.decorator';

@ApiTags('security')
@ApiAuth()
@ApiSecurityResponses()
@Roles(Role.Admin)
@Controller('api/v1/security/rate-limits')
export class RateLimitsController {
  constructor(
    private readonly limits: RateLimitsService,
    private readonly store: RateLimitStore,
    private readonly config: RelayConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The configured defaults and every per-principal override (admin)' })
  @ApiResponse({ status: 200, type: RateLimitsView })
  async list(): Promise<RateLimitsView> {
    return {
      defaults: {
        perIp: this.config.RATE_LIMIT_PER_IP,
        perPrincipal: this.config.RATE_LIMIT_PER_PRINCIPAL,
        windowSeconds: this.config.RATE_LIMIT_WINDOW,
        ipv6Prefix: this.config.RATE_LIMIT_IPV6_PREFIX,
        store: this.store.kind,
      },
      overrides: (await this.limits.list()).map(toRateLimitView),
    };
  }

  @Post()
  @ApiOperation({
    summary: 'Set a rate limit for one user or API key; applies to the next request (admin)',
  })
  @ApiResponse({ status: 201, type: RateLimitView })
  @ApiErrorResponses(400, [404, 'SUBJECT_NOT_FOUND'], [409, 'RATE_LIMIT_EXISTS'])
  async create(
    @Body() body: CreateRateLimitDto,
    @CurrentPrincipal() actor: Principal,
  ): Promise<RateLimitView> {
    return toRateLimitView(await this.limits.create(body, actor));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One rate limit override (admin)' })
  @ApiResponse({ status: 200, type: RateLimitView })
  @ApiErrorResponses(400, [404, 'RATE_LIMIT_NOT_FOUND'])
  async get(@UuidParam('id') id: string): Promise<RateLimitView> {
    return toRateLimitView(await this.limits.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a rate limit override; applies to the next request (admin)' })
  @ApiResponse({ status: 200, type: RateLimitView })
  @ApiErrorResponses(400, [404, 'RATE_LIMIT_NOT_FOUND'])
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateRateLimitDto,
  ): Promise<RateLimitView> {
    return toRateLimitView(await this.limits.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an override; the default applies again (admin)' })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, [404, 'RATE_LIMIT_NOT_FOUND'])
  async delete(@UuidParam('id') id: string): Promise<void> {
    await this.limits.delete(id);
  }
}
