import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../shared/auth/public.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { AgentsService } from './agents.service';
import { AgentTokenRequestDto } from './dto/agent-token-request.dto';
import { AgentTokenView } from './dto/agent-token.view';

/** Where agents trade their id and secret for a tunnel token. Public, but throttled. */
@ApiTags('agents')
@Public()
@Controller('api/v1/agents/token')
export class AgentTokenController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange agent id and secret for a short-lived agent token' })
  @ApiResponse({ status: 200, type: AgentTokenView })
  @ApiErrorResponses(
    400,
    [401, 'INVALID_AGENT_CREDENTIALS (same for unknown agent, wrong secret, disabled agent)'],
    [429, 'TOO_MANY_ATTEMPTS; see Retry-After'],
    503,
  )
  exchange(@Body() body: AgentTokenRequestDto, @Ip() ip: string): Promise<AgentTokenView> {
    return this.agents.exchangeSecret(body.agentId, body.secret, ip);
  }
}
