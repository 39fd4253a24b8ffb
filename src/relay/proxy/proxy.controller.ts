import { All, Controller, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CurrentPrincipal } from '../../shared/auth/current-principal.decorator';
import type { Principal } from '../../shared/auth/principal';
import { AppException } from '../../shared/errors/app.exception';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { ApiSecurityResponses } from '../security/api-security-responses.decorator';
import { ProxyService } from './proxy.service';
import { parseProxyTarget, PROXY_ROUTES } from './proxy-target';

/**
 * The proxy's routes as the API documents them. Calls arrive through ProxyFastLane, which
 * runs the same middleware and guards as Nest's router would and then this handler.
 */
@ApiTags('proxy')
@ApiSecurityResponses()
@ApiErrorResponses(401)
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('api/v1/proxy')
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All(PROXY_ROUTES.map((route) => route.slice('api/v1/proxy/'.length)))
  @ApiOperation({
    // One operation per method in the document: proxyGet, proxyPost, ...
    operationId: 'proxy',
    summary: 'Call an intranet datasource through its agent (any method; body and answer stream)',
    description:
      'HTTP and file datasources take any path below the datasource; SQL datasources take ' +
      '`POST .../queries/:queryName` with JSON parameters and `GET .../queries`.',
  })
  @ApiParam({ name: 'agentId', format: 'uuid' })
  @ApiParam({ name: 'datasource' })
  @ApiResponse({
    status: 403,
    description:
      'GRANT_REQUIRED: the caller has no grant for this (checked first: the same answer whether ' +
      'the agent or datasource exists or is online); ACCESS_REVOKED: the access was revoked ' +
      'during the call (an answer already under way is cut off instead)',
  })
  @ApiResponse({ status: 404, description: 'AGENT_NOT_FOUND or DATASOURCE_NOT_FOUND' })
  @ApiResponse({ status: 431, description: 'HEADERS_TOO_LARGE' })
  @ApiResponse({
    status: 502,
    description:
      'AGENT_DISCONNECTED, UPSTREAM_ERROR, or AGENT_BAD_RESPONSE: the agent answered with a ' +
      'status the relay does not pass on (1xx) or a body that broke its Content-Length',
  })
  @ApiResponse({
    status: 503,
    description:
      "AGENT_OFFLINE, AGENT_BUSY, DATABASE_UNAVAILABLE (the relay's own database), " +
      'RELAY_DRAINING (shutting down, call not started) or RELAY_SHUTDOWN (shut down before ' +
      'the call finished)',
  })
  @ApiResponse({ status: 504, description: 'UPSTREAM_TIMEOUT' })
  async forward(
    @Req() req: IncomingMessage & { id: string },
    @Res() res: ServerResponse,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const target = parseProxyTarget(req.url!);
    if (!target) throw new AppException('NOT_FOUND', 'No such agent or datasource', 404);
    await this.proxy.forward(req, res, principal, target, req.id);
  }
}
