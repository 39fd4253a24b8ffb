import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataLogModule } from '../data-log/data-log.module';
import { DatasourceEntity } from './datasource.entity';
import { DatasourceCatalog } from './datasource-catalog';
import { DatasourceDispatcher } from './datasource-dispatcher';
import { DatasourceRegistry } from './datasource-registry';
import { DatasourcesController } from './datasources.controller';
import { DatasourcesService } from './datasources.service';

/**
 * Datasource management (admin API) and the data plane the tunnel calls into: the
 * dispatcher for calls and the catalog it announces to the relay.
 */
@Module({
  imports: [TypeOrmModule.forFeature([DatasourceEntity]), DataLogModule],
  controllers: [DatasourcesController],
  providers: [DatasourcesService, DatasourceRegistry, DatasourceCatalog, DatasourceDispatcher],
  exports: [DatasourceCatalog, DatasourceDispatcher],
})
export class DatasourcesModule {}
