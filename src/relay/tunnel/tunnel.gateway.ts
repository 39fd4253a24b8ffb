import type { IncomingMessage } from 'node:http';
import { Logger, type OnModuleInit } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { Server, VerifyClientCallbackAsync } from 'ws';
import type WebSocket from 'ws';
import { withDatabaseOutage } from '../../shared/database/database-unavailable';
import { FRAME_HEADER_SIZE } from '../../shared/protocol';
import { AppException } from '../../shared/errors/app.exception';
import { AgentsService } from '../agents/agents.service';
import { TunnelAdmission } from '../connections/tunnel-admission.service';
import { RelayConfig } from '../relay.config';
import { TunnelRegistry } from './tunnel-registry';

export const TUNNEL_PATH = '/api/v1/tunnel';

interface AuthenticatedUpgrade extends IncomingMessage {
  agent?: { agentId: string; name: string };
  /** The agent's address with trusted proxies applied (set by TunnelAdmission). */
  clientIp?: string;
}

/**
 * The agents' WebSocket endpoint. The agent token is checked during the HTTP upgrade, so a
 * bad token gets a plain 401 and no WebSocket is ever opened.
 */
@WebSocketGateway({ path: TUNNEL_PATH, perMessageDeflate: false })
export class TunnelGateway implements OnGatewayInit, OnGatewayConnection, OnModuleInit {
  private readonly logger = new Logger(TunnelGateway.name);

  constructor(
    private readonly config: RelayConfig,
    private readonly agents: AgentsService,
    private readonly registry: TunnelRegistry,
    private readonly admission: TunnelAdmission,
  ) {}

  onModuleInit(): void {
    this.logger.debug(`tunnel endpoint at ${TUNNEL_PATH}`);
  }

  afterInit(server: Server): void {
    // Options are read at each upgrade; set here because they depend on injected config.
    server.options.maxPayload = this.config.TUNNEL_MAX_FRAME_BYTES + FRAME_HEADER_SIZE;
    server.options.verifyClient = this.verify;
  }

  handleConnection(ws: WebSocket, request: AuthenticatedUpgrade): void {
    const agent = request.agent;
    if (!agent) {
      ws.terminate();
      return;
    }
    this.registry.accept(ws, {
      agentId: agent.agentId,
      agentName: agent.name,
      remoteIp: request.clientIp ?? request.socket.remoteAddress ?? 'unknown',
    });
  }

  private readonly verify: VerifyClientCallbackAsync<AuthenticatedUpgrade> = (info, done) => {
    const header = info.req.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? '';
    // Operations hooks (issue 6): tunnel-scope IP rules before the token, block periods after.
    const admitted = async () => {
      info.req.clientIp = await this.admission.admitAddress(info.req);
      const agent = await this.agents.verifyAgentToken(token);
      await this.admission.admitAgent(agent.agentId, agent.name, info.req.clientIp);
      return agent;
    };
    admitted().then(
      (agent) => {
        info.req.agent = agent;
        done(true);
      },
      (thrown: unknown) => {
        const error = withDatabaseOutage(thrown);
        const known = error instanceof AppException;
        const status = known ? error.getStatus() : 401;
        const body = JSON.stringify({
          statusCode: status,
          code: known ? error.code : 'UNAUTHORIZED',
          message: known ? error.message : 'Invalid agent token',
          // The agent shows these in its status (AGENT_BLOCKED: blockedUntil).
          ...(known && error.details !== undefined && { details: error.details }),
        });
        const headers = known ? error.headers : undefined;
        done(false, status, body, { ...headers, 'Content-Type': 'application/json' });
      },
    );
  };
}
