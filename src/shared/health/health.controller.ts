import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';
import { HealthService } from './health.service';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: dependencies answer (503 NOT_READY with reasons when not)' })
  async ready(): Promise<object> {
    const report = await this.health.readiness();
    if (!report.ready) {
      const failing = Object.keys(report.checks).filter((name) => !report.checks[name].ok);
      throw new AppException(
        ErrorCode.NotReady,
        `Not ready: ${failing.join(', ')}`,
        503,
        report.checks,
      );
    }
    return { status: 'ready', checks: report.checks };
  }
}
