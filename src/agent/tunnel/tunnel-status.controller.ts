import { Controller, Get } from '@nestjs/common';
import { ApiAdminAuth } from '../admin-auth/api-admin-auth.decorator';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TunnelClient } from './tunnel-client';
import type { TunnelStatus } from './tunnel-status';

@ApiTags('connection')
@ApiAdminAuth()
@Controller('api/v1/connection')
export class TunnelStatusController {
  constructor(private readonly tunnel: TunnelClient) {}

  @Get('status')
  @ApiOperation({
    summary:
      'Tunnel state (connected, connecting, backing-off, auth-failed, blocked), since, last error and relay code, block end, RTT, counts',
  })
  status(): TunnelStatus {
    return this.tunnel.status();
  }
}
