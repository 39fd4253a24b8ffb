import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { unauthorized } from '../../shared/auth/auth.exception';
import { Public } from '../../shared/auth/public.decorator';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { RelayConfig } from '../relay.config';
import { hasMetricsToken } from '../../shared/metrics/metrics-access';
import { OperationsMetrics } from './operations-metrics';

/**
 * Prometheus scrape endpoint on the API port, served only when METRICS_TOKEN is set and no
 * metrics port serves it (METRICS_PORT unset or off). It takes the metrics token, not user credentials, so it
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
      'Served here only when METRICS_TOKEN is set and METRICS_PORT is unset or `off`; ' +
      'otherwise 404, whose message says where /metrics is (by default on ' +
      '127.0.0.1:9464, the metrics port). ' +
      'Calls, bytes and durations of proxied calls, live sessions, streams in flight, tunnel ' +
      '(re)connects, security denials, audit and transfer-record counters, process metrics.',
  })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4' })
  @ApiErrorResponses([401, 'UNAUTHORIZED: missing or wrong metrics token'], [404, 'NOT_FOUND'])
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = this.config.METRICS_TOKEN;
    const port = this.config.metricsPort(true);
    if (!token || port !== undefined) throw new AppException(ErrorCode.NotFound, hint(port), 404);
    if (!hasMetricsToken(req.headers, token)) throw unauthorized();
    const { contentType, body } = await this.metrics.scrape();
    res.status(200).type(contentType).send(body);
  }
}

/** Where /metrics is instead: an operator reading the 404 learns how to reach it. */
function hint(port: number | undefined): string {
  if (port !== undefined) {
    return `/metrics is served on the metrics port (METRICS_HOST:METRICS_PORT, ${port} here), not the API port`;
  }
  return '/metrics is off (METRICS_PORT=off); set METRICS_PORT, or METRICS_TOKEN to serve it here';
}
