import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { Role } from '../../shared/auth/role.enum';
import { Roles } from '../../shared/auth/roles.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { ApiSecurityResponses } from '../security/api-security-responses.decorator';
import { LoginLockView, toLoginLockView } from './dto/login-lock.view';
import { LoginLocksService } from './login-locks.service';

const NOT_HELD: [number, string] = [
  404,
  'LOGIN_LOCK_NOT_FOUND: no failed attempts or lock are held for it',
];

@ApiTags('security')
@ApiAuth()
@ApiSecurityResponses()
@Roles(Role.Admin)
@Controller('api/v1/login-throttle')
export class LoginThrottleController {
  constructor(private readonly locks: LoginLocksService) {}

  @Get('locks')
  @ApiOperation({ summary: 'Names and addresses locked out by failed logins right now (admin)' })
  @ApiResponse({ status: 200, type: [LoginLockView] })
  async list(): Promise<LoginLockView[]> {
    return (await this.locks.list()).map(toLoginLockView);
  }

  @Delete('names/:name')
  @HttpCode(204)
  @ApiOperation({
    summary: "Lift a username's or agent id's lock and forget its failures (audited, admin)",
    description: 'Applies to user login and agent token exchange alike.',
  })
  @ApiParam({ name: 'name', description: 'A username or an agent id (case-insensitive)' })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, NOT_HELD)
  async liftName(@Param('name') name: string): Promise<void> {
    await this.locks.liftName(name);
  }

  @Delete('addresses/:address')
  @HttpCode(204)
  @ApiOperation({
    summary: "Lift an address's lock and forget its failures (audited, admin)",
    description: 'An IPv6 address lifts its whole /64, which is what it was counted under.',
  })
  @ApiParam({ name: 'address', description: 'An IPv4 or IPv6 address' })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, NOT_HELD)
  async liftAddress(@Param('address') address: string): Promise<void> {
    await this.locks.liftAddress(address);
  }
}
