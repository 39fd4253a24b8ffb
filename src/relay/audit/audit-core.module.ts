import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';
import { SessionAudit } from './session-audit.service';

/**
 * Writing to the audit log. Global, so any feature (and the CLI) records events by injecting
 * AuditService or SessionAudit without wiring a module.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  providers: [AuditService, SessionAudit],
  exports: [AuditService, SessionAudit],
})
export class AuditCoreModule {}
