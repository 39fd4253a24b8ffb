import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app.config';
import { buildDataSourceOptions, type ProfileSchema } from './data-source-options';
import { EmbeddedDatabaseModule } from './embedded-database.module';
import { EmbeddedPostgres } from './embedded-postgres';
import { MigrationRunner } from './migration-runner';

/**
 * TypeORM on PostgreSQL: the server named by DATABASE_URL, or an embedded PGlite in DATA_DIR.
 * Migrations run at start-up unless MIGRATIONS_RUN=false.
 */
@Module({})
export class DatabaseModule {
  static forRoot(schema: ProfileSchema): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [EmbeddedDatabaseModule],
          inject: [AppConfig, EmbeddedPostgres],
          useFactory: async (config: AppConfig, embedded: EmbeddedPostgres) => {
            const connection = config.DATABASE_URL ? undefined : await embedded.start();
            return buildDataSourceOptions(config, schema, connection);
          },
        }),
      ],
      providers: [MigrationRunner],
    };
  }
}
