import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IpRuleEntity } from './ip-rule.entity';
import { IpRulesController } from './ip-rules.controller';
import { IpRulesService } from './ip-rules.service';

@Module({
  imports: [TypeOrmModule.forFeature([IpRuleEntity])],
  controllers: [IpRulesController],
  providers: [IpRulesService],
  exports: [IpRulesService],
})
export class IpRulesModule {}
