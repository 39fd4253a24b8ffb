import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { buildDataSourceOptions, type ProfileSchema } from './data-source-options';
import { EmbeddedDatabaseModule, type EmbeddedDatabaseOptions } from './embedded-database.module';
import { EmbeddedPostgres } from './embedded/embedded-postgres';
import { migrateOnStart, SchemaMigrationError } from './migrate-on-start';

/**
 * TypeORM on PostgreSQL: the server named by DATABASE_URL, or an embedded PostgreSQL server
 * of this process's own in DATA_DIR.
 * Migrations run as the data source opens (unless MIGRATIONS_RUN=false), so no provider
 * ever sees an outdated schema.
 */
@Module({})
export class DatabaseModule {
  static forRoot(schema: ProfileSchema, embeddedOptions?: EmbeddedDatabaseOptions): DynamicModule {
    // TypeORM's data source factory sees only the options; the switch travels beside them.
    const startup: { migrate: boolean; embedded?: EmbeddedPostgres } = { migrate: true };
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [EmbeddedDatabaseModule.forRoot(embeddedOptions)],
          inject: [AppConfig, EmbeddedPostgres],
          useFactory: async (config: AppConfig, embedded: EmbeddedPostgres) => {
            startup.migrate = config.MIGRATIONS_RUN;
            startup.embedded = config.DATABASE_URL ? undefined : embedded;
            const connection = startup.embedded ? await embedded.start() : undefined;
            return {
              ...buildDataSourceOptions(config, schema, connection),
              // A server may still be starting; our own server is up already, a schema problem won't improve.
              retryAttempts: connection ? 0 : 5,
              retryDelay: 2_000,
              toRetry: (error: unknown) => !(error instanceof SchemaMigrationError),
            };
          },
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            try {
              await migrateOnStart(dataSource, startup.migrate);
            } catch (error) {
              // The app will not start: release the database now, nothing else will.
              await dataSource.destroy();
              await startup.embedded?.stop();
              throw error;
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
