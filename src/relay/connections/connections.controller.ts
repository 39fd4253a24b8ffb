import { Controller, Delete, Get, HttpCode, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Subscription } from 'rxjs';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { CurrentPrincipal } from '../../shared/auth/current-principal.decorator';
import type { Principal } from '../../shared/auth/principal';
import { Role } from '../../shared/auth/role.enum';
import { Roles } from '../../shared/auth/roles.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { ErrorCode } from '../../shared/errors/error-code';
import { UuidParam } from '../../shared/http/uuid-param';
import { LiveHolds, type AdminStreamHold } from '../revocation/live-holds';
import { ConnectionsService } from './connections.service';
import { ConnectionEventView } from './dto/connection-event.view';
import { ConnectionView } from './dto/connection.view';
import { KickQuery } from './dto/kick.dto';
import { AgentBlockView, KickResultView, toAgentBlockView } from './dto/kick-result.view';
import { SseStream } from './sse-stream';
import { ApiSecurityResponses } from '../security/api-security-responses.decorator';

/** Who may watch and manage connections; the event stream keeps checking it. */
const CONNECTION_ROLES = [Role.Operator];

@ApiTags('connections')
@ApiAuth()
@ApiSecurityResponses()
@Roles(...CONNECTION_ROLES)
@Controller('api/v1/connections')
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly holds: LiveHolds,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Live agent sessions on this relay (operator, admin)' })
  @ApiResponse({ status: 200, type: [ConnectionView] })
  list(): ConnectionView[] {
    return this.connections.list();
  }

  @Get('events')
  @ApiOperation({
    summary: 'Server-sent events: connect, disconnect, kick, catalog (operator, admin)',
    description:
      'text/event-stream. The first event, `snapshot`, lists the live sessions; then each ' +
      'event has `event:` set to its type and `data:` a JSON ConnectionEventView. A comment ' +
      'line is sent every 15 s to keep the connection open. If the caller loses access ' +
      '(disabled, deleted, role removed, sessions ended) a last `revoked` event with ' +
      '`code: ACCESS_REVOKED` is sent and the stream is closed.',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, type: ConnectionEventView })
  events(
    @Req() req: Request & { id?: string },
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): void {
    const subscription = new Subscription();
    const hold: AdminStreamHold = {
      kind: 'admin_stream',
      principal,
      requestId: req.id,
      roles: CONNECTION_ROLES,
      end: (message) => stream.closeWith('revoked', { code: ErrorCode.AccessRevoked, message }),
    };
    const stream = new SseStream(res, () => {
      this.holds.release(hold);
      subscription.unsubscribe();
    });
    this.holds.add(hold);
    stream.send('snapshot', this.connections.list());
    subscription.add(
      this.connections.events.subscribe({
        next: (event) => stream.send(event.type, event),
        complete: () => stream.close(),
      }),
    );
  }

  @Get('blocks')
  @ApiOperation({ summary: 'Agents currently blocked from reconnecting (operator, admin)' })
  @ApiResponse({ status: 200, type: [AgentBlockView] })
  async blocks(): Promise<AgentBlockView[]> {
    return (await this.connections.activeBlocks()).map(toAgentBlockView);
  }

  @Delete('blocks/:agentId')
  @HttpCode(204)
  @ApiOperation({ summary: "Lift an agent's block early (operator, admin)" })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, [404, 'BLOCK_NOT_FOUND'])
  async unblock(@UuidParam('agentId') agentId: string): Promise<void> {
    await this.connections.unblock(agentId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One live session (operator, admin)' })
  @ApiResponse({ status: 200, type: ConnectionView })
  @ApiErrorResponses(400, [404, 'CONNECTION_NOT_FOUND'])
  get(@UuidParam('id') id: string): ConnectionView {
    return this.connections.get(id);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Kick a session, optionally blocking the agent from reconnecting (operator, admin)',
    description:
      "Closes the WebSocket with code 4001 (KICKED). With `blockSeconds` the agent's upgrades " +
      'are refused with 403 AGENT_BLOCKED and Retry-After until the block ends.',
  })
  @ApiResponse({ status: 200, type: KickResultView })
  @ApiErrorResponses(400, [404, 'CONNECTION_NOT_FOUND'])
  kick(
    @UuidParam('id') id: string,
    @Query() query: KickQuery,
    @CurrentPrincipal() actor: Principal,
  ): Promise<KickResultView> {
    return this.connections.kick(id, query, actor);
  }
}
