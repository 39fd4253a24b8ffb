import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { Role } from '../../shared/auth/role.enum';
import { Roles } from '../../shared/auth/roles.decorator';
import { ClientIpResolver } from '../request-context/client-ip.resolver';
import { normalizeIp } from '../request-context/trusted-proxies';
import { ClientAddressView } from './dto/client-address.view';
import { ApiSecurityResponses } from './api-security-responses.decorator';

@ApiTags('security')
@ApiAuth()
@ApiSecurityResponses()
@Roles(Role.Admin)
@Controller('api/v1/security')
export class SecurityController {
  constructor(private readonly clientIps: ClientIpResolver) {}

  @Get('client-address')
  @ApiOperation({
    summary: 'The address the relay attributes to you, for checking TRUSTED_PROXIES (admin)',
  })
  @ApiResponse({ status: 200, type: ClientAddressView })
  clientAddress(@Req() req: Request): ClientAddressView {
    const peer = normalizeIp(req.socket.remoteAddress) ?? 'unknown';
    const forwarded = req.headers['x-forwarded-for'];
    return {
      ip: this.clientIps.of(req),
      peer,
      peerIsTrustedProxy: this.clientIps.trusted.isTrusted(peer),
      forwardedFor: Array.isArray(forwarded) ? forwarded.join(', ') : (forwarded ?? null),
    };
  }
}
