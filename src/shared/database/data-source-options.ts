import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import type { AppConfig } from '../config/app.config';
import type { EmbeddedConnection } from './embedded/embedded-postgres';
import { EMBEDDED_POOL_SIZE } from './embedded/embedded-postgres-settings';

/** What a profile contributes to its database: its entities and its ordered migrations. */
export interface ProfileSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/** One definition of the data source, shared by the app and the migration CLI. */
export function buildDataSourceOptions(
  config: AppConfig,
  schema: ProfileSchema,
  embedded?: EmbeddedConnection,
): DataSourceOptions {
  const connection = embedded
    ? { host: embedded.host, port: embedded.port, username: 'postgres', database: 'postgres' }
    : { url: config.DATABASE_URL };
  return {
    type: 'postgres',
    ...connection,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsRun: false,
    synchronize: false,
    applicationName: `intrabridge-${config.APP_PROFILE}`,
    extra: { max: embedded ? EMBEDDED_POOL_SIZE : 10, connectionTimeoutMillis: 10_000 },
  };
}
