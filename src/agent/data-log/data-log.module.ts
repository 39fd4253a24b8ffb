import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataLogEntryEntity } from './data-log-entry.entity';
import { DataLogRetention } from './data-log-retention';
import { DataLogController } from './data-log.controller';
import { DataLogService } from './data-log.service';
import { DataLogWriter } from './data-log.writer';

/** One row per served call: written in batches, listed by the admin API, expired by age. */
@Module({
  imports: [TypeOrmModule.forFeature([DataLogEntryEntity])],
  controllers: [DataLogController],
  providers: [DataLogWriter, DataLogService, DataLogRetention],
  exports: [DataLogWriter],
})
export class DataLogModule {}
