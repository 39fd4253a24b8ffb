import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProxyModule } from '../proxy/proxy.module';
import { TunnelModule } from '../tunnel/tunnel.module';
import { ProxyCallObserver } from './proxy-call-observer';
import { TransferRecordEntity } from './transfer-record.entity';
import { TransferRecorder } from './transfer-recorder';
import { TransferRollups } from './transfer-rollups';
import {
  HourRollupRetention,
  MinuteRollupRetention,
  TransferRetentionService,
} from './transfer-retention.service';
import { TransferStatsController } from './transfer-stats.controller';
import { TransferStatsService } from './transfer-stats.service';

@Module({
  imports: [TypeOrmModule.forFeature([TransferRecordEntity]), ProxyModule, TunnelModule],
  controllers: [TransferStatsController],
  providers: [
    TransferRecorder,
    TransferRollups,
    TransferStatsService,
    TransferRetentionService,
    MinuteRollupRetention,
    HourRollupRetention,
    ProxyCallObserver,
  ],
  exports: [TransferRecorder],
})
export class TransferStatsModule {}
