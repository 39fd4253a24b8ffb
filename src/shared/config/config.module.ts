import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app.config';

/**
 * Makes the profile's validated config injectable both as its own class and as the shared
 * `AppConfig`, so shared modules need not know which profile runs.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends AppConfig>(config: T): DynamicModule {
    const profileClass = config.constructor as new () => T;
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: profileClass, useValue: config },
      ],
      exports: [AppConfig, profileClass],
    };
  }
}
