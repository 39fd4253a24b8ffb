import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { unauthorized } from '../../shared/auth/auth.exception';
import { Public } from '../../shared/auth/public.decorator';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { RelayConfig } from '../relay.config';
import { hasMetricsToken } from './metrics-access';
import { OperationsMetrics } from './operations-metrics';

/**
 * Prometheus scrape endpoint on the API port, served only when METRICS_TOKEN is set and no
 * METRICS_PORT moves it elsewhere. It takes the metrics token, not user credentials, so it
 * is public to the user authentication guard and checks its own bearer.
 */
@ApiTags('metrics')
@Public()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: OperationsMetrics,
    private readonly config: RelayConfig,
  ) {}

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics (Authorization: Bearer METRICS_TOKEN)',
    description:
      'Served here only when METRICS_TOKEN is set and METRICS_PORT is not; otherwise 404. ' +
      'Calls, bytes and durations of proxied calls, live sessions, streams in flight, tunnel ' +
      '(re)connects, security denials, audit and transfer-record counters, process metrics.',
  })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4' })
  @ApiErrorResponses([401, 'UNAUTHORIZED: missing or wrong metrics token'], [404, 'NOT_FOUND'])
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = this.config.METRICS_TOKEN;
    if (!token || this.config.METRICS_PORT !== undefined) {
      throw new AppException(ErrorCode.NotFound, 'Cannot GET /metrics', 404);
    }
    if (!hasMetricsToken(req.headers, token)) throw unauthorized();
    const { contentType, body } = await this.metrics.scrape();
    res.status(200).type(contentType).send(body);
  }
}
