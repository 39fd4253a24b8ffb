import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AGENT_SCHEMA } from '../agent/agent.schema';
import { loadAgentConfig } from '../agent/agent.app';
import { loadRelayConfig } from '../relay/relay.app';
import { RELAY_SCHEMA } from '../relay/relay.schema';
import { readEnvironment } from '../shared/config/read-environment';
import { buildDataSourceOptions } from '../shared/database/data-source-options';
import { EmbeddedPostgres } from '../shared/database/embedded/embedded-postgres';

/**
 * The data source the TypeORM CLI uses (`npm run migration:*`), built from the same
 * definition as the app's: APP_PROFILE picks the schema, DATABASE_URL (or the embedded
 * database in DATA_DIR) picks the server.
 */
async function migrationDataSource(): Promise<DataSource> {
  const env = readEnvironment();
  const isAgent = env.APP_PROFILE === 'agent';
  const config = isAgent ? loadAgentConfig(env) : loadRelayConfig(env);
  const schema = isAgent ? AGENT_SCHEMA : RELAY_SCHEMA;
  const embedded = config.DATABASE_URL
    ? undefined
    : // Beside a running app, use its server; otherwise start one (stopped when the CLI exits).
      await new EmbeddedPostgres({
        dataDir: config.DATA_DIR,
        role: 'migration-cli',
        joinRunning: true,
      }).start();
  return new DataSource(buildDataSourceOptions(config, schema, embedded));
}

export default migrationDataSource();
