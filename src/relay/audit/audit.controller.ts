import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiAuth } from '../../shared/auth/api-auth.decorator';
import { CurrentPrincipal } from '../../shared/auth/current-principal.decorator';
import type { Principal } from '../../shared/auth/principal';
import { Role } from '../../shared/auth/role.enum';
import { Roles } from '../../shared/auth/roles.decorator';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';
import { AuditLogService } from './audit-log.service';
import { csvHeader, csvRow, ndjsonRow } from './audit-export';
import { AuditEventPageView, AuditEventView, toAuditEventView } from './dto/audit-event.view';
import { AuditVerificationView } from './dto/audit-verification.view';
import { ExportAuditEventsQuery } from './dto/export-audit-events.query';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';
import { ApiSecurityResponses } from '../security/api-security-responses.decorator';
import { LiveHolds, type AdminStreamHold } from '../revocation/live-holds';

/** Who may read the audit log; a long export keeps checking it. */
const AUDIT_ROLES = [Role.Auditor];

/** The audit log is read-only through the API: there is no route that changes it. */
@ApiTags('audit')
@ApiAuth()
@ApiSecurityResponses()
@Roles(...AUDIT_ROLES)
@Controller('api/v1/audit-events')
export class AuditController {
  constructor(
    private readonly log: AuditLogService,
    private readonly holds: LiveHolds,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List audit events, newest first, filtered, with cursor pagination (auditor, admin)',
  })
  @ApiResponse({ status: 200, type: AuditEventPageView })
  @ApiErrorResponses(400)
  async list(@Query() query: ListAuditEventsQuery): Promise<AuditEventPageView> {
    const { limit, cursor, ...filter } = query;
    const page = await this.log.list(filter, limit, cursor);
    return { items: page.items.map(toAuditEventView), nextCursor: page.nextCursor };
  }

  @Get('verify')
  @ApiOperation({
    summary: 'Verify the hash chain and report the first event that breaks it (auditor, admin)',
  })
  @ApiResponse({ status: 200, type: AuditVerificationView })
  verify(): Promise<AuditVerificationView> {
    return this.log.verify();
  }

  @Get('export')
  @ApiOperation({
    summary: 'Export matching events oldest first as NDJSON or CSV, streamed (auditor, admin)',
  })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiResponse({ status: 200, description: 'One event per line (NDJSON) or per CSV record' })
  @ApiErrorResponses(400)
  async export(
    @Query() query: ExportAuditEventsQuery,
    @Req() req: Request & { id?: string },
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const { format, ...filter } = query;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.status(200);
    res.setHeader(
      'Content-Type',
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    );
    res.setHeader('Content-Disposition', `attachment; filename="audit-events-${stamp}.${format}"`);
    res.setHeader('Cache-Control', 'no-store');
    const line = format === 'csv' ? csvRow : ndjsonRow;
    if (format === 'csv') res.write(csvHeader());
    // A reader who loses access mid-export gets a cut-off file, like any other failure.
    const hold: AdminStreamHold = {
      kind: 'admin_stream',
      principal,
      requestId: req.id,
      roles: AUDIT_ROLES,
      end: () => res.destroy(),
    };
    this.holds.add(hold);
    try {
      for await (const batch of this.log.exportBatches(filter)) {
        if (res.destroyed) return;
        const text = batch.map((event) => line(toAuditEventView(event))).join('');
        if (!res.write(text)) await drained(res);
      }
      res.end();
    } catch (error) {
      // Headers are gone: the only honest signal left is a cut-off response.
      res.destroy(error as Error);
    } finally {
      this.holds.release(hold);
    }
  }

  @Get(':seq')
  @ApiOperation({ summary: 'One audit event (auditor, admin)' })
  @ApiParam({ name: 'seq', example: 42 })
  @ApiResponse({ status: 200, type: AuditEventView })
  @ApiErrorResponses(400, [404, 'AUDIT_EVENT_NOT_FOUND'])
  async get(@Param('seq') seq: string): Promise<AuditEventView> {
    if (!/^[1-9]\d{0,17}$/.test(seq)) {
      throw new AppException(ErrorCode.ValidationFailed, 'seq must be a positive integer', 400);
    }
    return toAuditEventView(await this.log.get(seq));
  }
}

/** Resolves when the response can take more, or when the caller has gone. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
