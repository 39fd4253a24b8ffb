import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../shared/config/app.config';
import { ConfigValidationError } from '../shared/config/config-validation.error';
import type { RawEnv } from '../shared/config/load-config';
import { buildDataSourceOptions, type ProfileSchema } from '../shared/database/data-source-options';
import { EmbeddedPostgres } from '../shared/database/embedded/embedded-postgres';

/** A profile's data source for migration commands, and how to let go of its server. */
export interface MigrationTarget {
  config: AppConfig;
  dataSource: DataSource;
  /** Stops the embedded server when this process started it (not when it joined an app's). */
  release(): Promise<void>;
}

/**
 * The data source migration commands use, built from the same definition as the app's:
 * APP_PROFILE picks the schema (only that profile's code is loaded), DATABASE_URL (or the
 * embedded database in DATA_DIR) picks the server.
 */
export async function openMigrationTarget(env: RawEnv): Promise<MigrationTarget> {
  const { config, schema } = await profileOf(env);
  const embedded = config.DATABASE_URL
    ? undefined
    : new EmbeddedPostgres({ dataDir: config.DATA_DIR, role: 'migration-cli', joinRunning: true });
  // Beside a running app, use its server; otherwise start one (stopped by release()).
  const connection = await embedded?.start();
  const dataSource = new DataSource(buildDataSourceOptions(config, schema, connection));
  return {
    config,
    dataSource,
    release: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

async function profileOf(env: RawEnv): Promise<{ config: AppConfig; schema: ProfileSchema }> {
  switch (env.APP_PROFILE) {
    case 'relay': {
      const [{ loadRelayConfig }, { RELAY_SCHEMA }] = await Promise.all([
        import('../relay/relay.app'),
        import('../relay/relay.schema'),
      ]);
      return { config: loadRelayConfig(env), schema: RELAY_SCHEMA };
    }
    case 'agent': {
      const [{ loadAgentConfig }, { AGENT_SCHEMA }] = await Promise.all([
        import('../agent/agent.app'),
        import('../agent/agent.schema'),
      ]);
      return { config: loadAgentConfig(env), schema: AGENT_SCHEMA };
    }
    default:
      throw new ConfigValidationError(['APP_PROFILE must be one of: relay, agent']);
  }
}
