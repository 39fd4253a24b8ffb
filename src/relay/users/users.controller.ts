import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { CurrentPrincipal } from '../../shared/auth/current-principal.decorator';
import type { Principal } from '../../shared/auth/principal';
import { Role } from '../../shared/auth/role.enum';
import { Roles } from '../../shared/auth/roles.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { UuidParam } from '../../shared/http/uuid-param';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { ResetPasswordDto } from './dto/reset-password.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { toUserView, UserPageView, UserView } from './dto/user.view';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiAuth()
@Roles(Role.Admin)
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiResponse({ status: 201, type: UserView })
  @ApiErrorResponses(400, [409, 'USERNAME_TAKEN'])
  async create(@Body() body: CreateUserDto): Promise<UserView> {
    return toUserView(await this.users.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'List users, filtered and paginated (admin)' })
  @ApiResponse({ status: 200, type: UserPageView })
  @ApiErrorResponses(400)
  async list(@Query() query: ListUsersQuery): Promise<UserPageView> {
    const page = await this.users.list(query);
    return { ...page, items: page.items.map(toUserView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user (admin)' })
  @ApiResponse({ status: 200, type: UserView })
  @ApiErrorResponses(400, [404, 'USER_NOT_FOUND'])
  async get(@UuidParam('id') id: string): Promise<UserView> {
    return toUserView(await this.users.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change display name, roles or enabled flag (admin; not your own roles or flag)',
  })
  @ApiResponse({ status: 200, type: UserView })
  @ApiErrorResponses(
    400,
    [403, 'FORBIDDEN, or SELF_MODIFICATION_FORBIDDEN'],
    [404, 'USER_NOT_FOUND'],
    [409, 'LAST_ADMIN'],
  )
  async update(
    @CurrentPrincipal() actor: Principal,
    @UuidParam('id') id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserView> {
    return toUserView(await this.users.update(actor, id, body));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user: their tokens and API keys stop working at once' })
  @ApiResponse({ status: 200, type: UserView })
  @ApiErrorResponses(400, [404, 'USER_NOT_FOUND'], [409, 'LAST_ADMIN'])
  async disable(
    @CurrentPrincipal() actor: Principal,
    @UuidParam('id') id: string,
  ): Promise<UserView> {
    return toUserView(await this.users.update(actor, id, { enabled: false }));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a user again (they must log in anew)' })
  @ApiResponse({ status: 200, type: UserView })
  @ApiErrorResponses(400, [404, 'USER_NOT_FOUND'])
  async enable(
    @CurrentPrincipal() actor: Principal,
    @UuidParam('id') id: string,
  ): Promise<UserView> {
    return toUserView(await this.users.update(actor, id, { enabled: true }));
  }

  @Post(':id/password')
  @HttpCode(204)
  @ApiOperation({ summary: "Reset a user's password; ends all their sessions (admin)" })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses([400, 'VALIDATION_FAILED or PASSWORD_POLICY'], [404, 'USER_NOT_FOUND'])
  async resetPassword(@UuidParam('id') id: string, @Body() body: ResetPasswordDto): Promise<void> {
    await this.users.setPassword(id, body.password);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user with their API keys and grants (admin)' })
  @ApiResponse({ status: 204 })
  @ApiErrorResponses(400, [404, 'USER_NOT_FOUND'], [409, 'LAST_ADMIN'])
  async delete(@CurrentPrincipal() actor: Principal, @UuidParam('id') id: string): Promise<void> {
    await this.users.delete(actor, id);
  }
}
