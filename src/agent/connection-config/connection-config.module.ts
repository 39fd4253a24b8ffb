import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionConfigController } from './connection-config.controller';
import { ConnectionConfigEntity } from './connection-config.entity';
import { ConnectionConfigService } from './connection-config.service';

@Module({
  imports: [TypeOrmModule.forFeature([ConnectionConfigEntity])],
  controllers: [ConnectionConfigController],
  providers: [ConnectionConfigService],
  exports: [ConnectionConfigService],
})
export class ConnectionConfigModule {}
