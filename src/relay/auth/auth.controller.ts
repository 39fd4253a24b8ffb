import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { CurrentPrincipal } from '../../shared/auth/current-principal.decorator';
import type { Principal } from '../../shared/auth/principal';
import { Public } from '../../shared/auth/public.decorator';
import { UserSessionOnly } from '../../shared/auth/user-session-only.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto } from './dto/login.dto';
import { toPrincipalView, PrincipalView } from './dto/principal.view';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { TokenPairView } from './dto/token-pair.view';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username and password' })
  @ApiResponse({ status: 200, type: TokenPairView })
  @ApiErrorResponses(
    400,
    [401, 'INVALID_CREDENTIALS (same for unknown user, wrong password, disabled account)'],
    [429, 'TOO_MANY_ATTEMPTS for this username or address; see Retry-After'],
    503,
  )
  login(@Body() body: LoginDto, @Ip() ip: string): Promise<TokenPairView> {
    return this.auth.login(body.username, body.password, ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (the old one is spent)' })
  @ApiResponse({ status: 200, type: TokenPairView })
  @ApiErrorResponses(
    400,
    [
      401,
      'INVALID_REFRESH_TOKEN, TOKEN_EXPIRED, TOKEN_REVOKED, or REFRESH_TOKEN_REUSED (the session is ended)',
    ],
    503,
  )
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPairView> {
    return this.auth.refresh(body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke a refresh token and its session's later tokens" })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400)
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  @Get('me')
  @ApiAuth()
  @ApiOperation({ summary: 'Who the caller is (user or API key)' })
  @ApiResponse({ status: 200, type: PrincipalView })
  me(@CurrentPrincipal() principal: Principal): PrincipalView {
    return toPrincipalView(principal);
  }

  @Post('password')
  @HttpCode(200)
  @ApiAuth()
  @UserSessionOnly()
  @ApiOperation({
    summary: 'Change your own password; ends all your sessions and returns a fresh pair',
  })
  @ApiResponse({ status: 200, type: TokenPairView })
  @ApiErrorResponses(
    [400, 'VALIDATION_FAILED, PASSWORD_POLICY or INVALID_CURRENT_PASSWORD'],
    [429, 'TOO_MANY_ATTEMPTS'],
  )
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @Ip() ip: string,
  ): Promise<TokenPairView> {
    return this.auth.changePassword(principal, body.currentPassword, body.newPassword, ip);
  }
}
