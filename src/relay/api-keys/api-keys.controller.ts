import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { CurrentPrincipal } from '../../shared/auth/current-principal.decorator';
import type { Principal } from '../../shared/auth/principal';
import { UserSessionOnly } from '../../shared/auth/user-session-only.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { UuidParam } from '../../shared/http/uuid-param';
import { ApiKeysService } from './api-keys.service';
import {
  ApiKeyPageView,
  ApiKeyView,
  CreatedApiKeyView,
  toApiKeyView,
  toCreatedApiKeyView,
} from './dto/api-key.view';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ListApiKeysQuery } from './dto/list-api-keys.query';

/** Any user manages their own keys; admins manage everyone's. */
@ApiTags('api-keys')
@ApiAuth()
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @UserSessionOnly()
  @ApiOperation({
    summary: 'Create an API key (shown once). Needs a logged-in user, not another API key',
  })
  @ApiResponse({ status: 201, type: CreatedApiKeyView })
  @ApiErrorResponses(
    400,
    [403, 'FORBIDDEN (another user, not admin) or USER_SESSION_REQUIRED'],
    [404, 'USER_NOT_FOUND'],
    [409, 'TOO_MANY_API_KEYS'],
  )
  async create(
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyView> {
    const { entity, key } = await this.apiKeys.create(actor, body);
    return toCreatedApiKeyView(entity, key);
  }

  @Get()
  @ApiOperation({ summary: 'List your API keys (admins: anyone’s)' })
  @ApiResponse({ status: 200, type: ApiKeyPageView })
  @ApiErrorResponses(400)
  async list(
    @CurrentPrincipal() actor: Principal,
    @Query() query: ListApiKeysQuery,
  ): Promise<ApiKeyPageView> {
    const page = await this.apiKeys.list(actor, query);
    return { ...page, items: page.items.map(toApiKeyView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one of your API keys (admins: anyone’s)' })
  @ApiResponse({ status: 200, type: ApiKeyView })
  @ApiErrorResponses(400, [404, 'API_KEY_NOT_FOUND'])
  async get(
    @CurrentPrincipal() actor: Principal,
    @UuidParam('id') id: string,
  ): Promise<ApiKeyView> {
    return toApiKeyView(await this.apiKeys.get(actor, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, [404, 'API_KEY_NOT_FOUND'])
  async revoke(@CurrentPrincipal() actor: Principal, @UuidParam('id') id: string): Promise<void> {
    await this.apiKeys.revoke(actor, id);
  }
}
