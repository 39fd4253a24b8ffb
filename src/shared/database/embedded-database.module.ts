import { DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { EmbeddedPostgres } from './embedded/embedded-postgres';

export interface EmbeddedDatabaseOptions {
  /** Names the process in the data folder's lock; default: the profile. */
  role?: string;
  /** Use the server of a live process holding the folder instead of refusing (admin CLI). */
  joinRunning?: boolean;
}

/**
 * Owns the embedded database's lifetime. TypeORM's module is global, so Nest shuts it down
 * after this one: the pool is closed here first, then the server stops (no session is cut).
 */
@Module({})
export class EmbeddedDatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly embedded: EmbeddedPostgres,
    private readonly moduleRef: ModuleRef,
  ) {}

  static forRoot(options: EmbeddedDatabaseOptions = {}): DynamicModule {
    return {
      module: EmbeddedDatabaseModule,
      providers: [
        {
          provide: EmbeddedPostgres,
          inject: [AppConfig],
          useFactory: (config: AppConfig) =>
            new EmbeddedPostgres({
              dataDir: config.DATA_DIR,
              role: options.role ?? config.APP_PROFILE,
              joinRunning: options.joinRunning,
            }),
        },
      ],
      exports: [EmbeddedPostgres],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const dataSource = this.dataSource();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await this.embedded.stop();
  }

  private dataSource(): DataSource | undefined {
    try {
      return this.moduleRef.get(DataSource, { strict: false });
    } catch {
      // Start-up failed before the data source existed.
      return undefined;
    }
  }
}
