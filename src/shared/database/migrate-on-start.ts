import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor';

/** The schema could not be brought up to date; retrying the connection would not help. */
export class SchemaMigrationError extends Error {
  override readonly name = 'SchemaMigrationError';
}

/**
 * Brings the schema up to date before anything uses the data source, or, when migrations
 * are switched off, refuses to start on a schema that lacks some: a clear stop at start-up
 * beats a missing-table error in the middle of a request.
 */
export async function migrateOnStart(dataSource: DataSource, run: boolean): Promise<void> {
  const logger = new Logger('Migrations');
  if (run) {
    const applied = await dataSource
      .runMigrations({ transaction: 'each' })
      .catch((error: Error) => {
        throw new SchemaMigrationError(`migration failed: ${error.message}`, { cause: error });
      });
    if (applied.length > 0) {
      logger.log({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    }
    return;
  }
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  if (pending.length > 0) {
    throw new SchemaMigrationError(
      `${pending.length} database migration(s) pending (${pending.map((m) => m.name).join(', ')}) ` +
        'and MIGRATIONS_RUN=false: run `node dist/src/cli/migrate.js run` (npm run migration:run) or start with MIGRATIONS_RUN=true',
    );
  }
}
