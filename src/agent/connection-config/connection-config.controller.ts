import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiAdminAuth } from '../admin-auth/api-admin-auth.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConnectionConfigService } from './connection-config.service';
import { PatchConnectionDto } from './dto/patch-connection.dto';
import { ConnectionView, UpdateConnectionDto } from './dto/update-connection.dto';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';

@ApiTags('connection')
@ApiAdminAuth()
@ApiErrorResponses(503)
@Controller('api/v1/connection')
export class ConnectionConfigController {
  constructor(private readonly connection: ConnectionConfigService) {}

  @Get()
  @ApiOperation({ summary: 'Relay connection settings (the secret only as secretSet)' })
  @ApiOkResponse({ type: ConnectionView })
  get(): Promise<ConnectionView> {
    return this.connection.view();
  }

  @Put()
  @ApiErrorResponses(400)
  @ApiOperation({ summary: 'Replace the settings; the tunnel reconnects with them' })
  @ApiOkResponse({ type: ConnectionView })
  replace(@Body() body: UpdateConnectionDto): Promise<ConnectionView> {
    return this.connection.replace(body);
  }

  @Patch()
  @ApiErrorResponses(400)
  @ApiOperation({
    summary: 'Change only the fields given (e.g. just the secret); the tunnel reconnects',
  })
  @ApiOkResponse({ type: ConnectionView })
  update(@Body() body: PatchConnectionDto): Promise<ConnectionView> {
    return this.connection.patch(body);
  }
}
