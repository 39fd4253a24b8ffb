import { Controller, Get, Query } from '@nestjs/common';
import { ApiAdminAuth } from '../admin-auth/api-admin-auth.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataLogService } from './data-log.service';
import { DataLogPage } from './dto/data-log-entry.view';
import { DataLogQueryDto } from './dto/data-log-query.dto';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';

@ApiTags('data-log')
@ApiAdminAuth()
@ApiErrorResponses(503)
@Controller('api/v1/data-log')
export class DataLogController {
  constructor(private readonly dataLog: DataLogService) {}

  @Get()
  @ApiErrorResponses(400)
  @ApiOperation({ summary: 'Served calls, newest first; filter and page with cursor' })
  @ApiOkResponse({ type: DataLogPage })
  list(@Query() query: DataLogQueryDto): Promise<DataLogPage> {
    return this.dataLog.list(query);
  }
}
