import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller';
import { AuditEventEntity } from './audit-event.entity';
import { AuditLogService } from './audit-log.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditService } from './audit.service';

/**
 * The system audit log. Global, so any feature records events by injecting AuditService
 * without wiring its module.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [AuditService, AuditLogService, AuditRetentionService],
  exports: [AuditService, AuditRetentionService],
})
export class AuditModule {}
