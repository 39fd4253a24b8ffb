import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { Role } from '../../shared/auth/role.enum';
import { Roles } from '../../shared/auth/roles.decorator';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { AggregateQuery, ListTransferRecordsQuery } from './dto/transfer-stats.query';
import {
  AggregateView,
  TransferRecordPageView,
  toTransferRecordView,
} from './dto/transfer-stats.view';
import { TransferStatsService } from './transfer-stats.service';
import { ApiSecurityResponses } from '../security/api-security-responses.decorator';

@ApiTags('transfer-stats')
@ApiAuth()
@ApiSecurityResponses()
@Roles(Role.Operator, Role.Auditor)
@Controller('api/v1/transfer-stats')
export class TransferStatsController {
  constructor(private readonly stats: TransferStatsService) {}

  @Get()
  @ApiOperation({
    summary: 'Aggregates by minute, hour or day, grouped as asked (operator, auditor, admin)',
    description:
      'Calls, bytes in and out, errors (status >= 400), server errors (>= 500), error rate and ' +
      'p50/p95/p99/avg/max duration per UTC bucket and per combination of `groupBy` ' +
      'dimensions, read from per-minute and per-hour rollups (hour rollups when from and to ' +
      'fall on whole hours). Percentiles come from latency sketches: within 4.4% of the ' +
      'nearest-rank value. Rollups are written in batches, so the last second or so may be ' +
      'missing.',
  })
  @ApiResponse({ status: 200, type: AggregateView })
  @ApiErrorResponses(400)
  aggregate(@Query() query: AggregateQuery): Promise<AggregateView> {
    return this.stats.aggregate(query);
  }

  @Get('records')
  @ApiOperation({ summary: 'Transfer records, newest first (operator, auditor, admin)' })
  @ApiResponse({ status: 200, type: TransferRecordPageView })
  @ApiErrorResponses(400)
  async records(@Query() query: ListTransferRecordsQuery): Promise<TransferRecordPageView> {
    const page = await this.stats.list(query);
    return { items: page.items.map(toTransferRecordView), nextCursor: page.nextCursor };
  }
}
