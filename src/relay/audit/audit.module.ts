import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RevocationModule } from '../revocation/revocation.module';
import { AuditController } from './audit.controller';
import { AuditCoreModule } from './audit-core.module';
import { AuditEventEntity } from './audit-event.entity';
import { AuditLogService } from './audit-log.service';
import { AuditRetentionService } from './audit-retention.service';

/** The audit log's API (read, verify, export) and its retention sweep. */
@Module({
  imports: [AuditCoreModule, TypeOrmModule.forFeature([AuditEventEntity]), RevocationModule],
  controllers: [AuditController],
  providers: [AuditLogService, AuditRetentionService],
  exports: [AuditRetentionService],
})
export class AuditModule {}
