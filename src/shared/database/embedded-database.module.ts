import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { EmbeddedPostgres } from './embedded-postgres';

/**
 * Owns the embedded database's lifetime. Nest shuts modules down in reverse start order, and
 * TypeORM's module starts after this one, so the pool closes before the server stops.
 */
@Module({
  providers: [
    {
      provide: EmbeddedPostgres,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new EmbeddedPostgres(config.DATA_DIR),
    },
  ],
  exports: [EmbeddedPostgres],
})
export class EmbeddedDatabaseModule implements OnApplicationShutdown {
  constructor(private readonly embedded: EmbeddedPostgres) {}

  async onApplicationShutdown(): Promise<void> {
    await this.embedded.stop();
  }
}
