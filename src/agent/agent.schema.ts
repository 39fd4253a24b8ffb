import { AGENT_MIGRATIONS } from '../../migrations/agent';
import type { ProfileSchema } from '../shared/database/data-source-options';
import { ConnectionConfigEntity } from './connection-config/connection-config.entity';
import { DataLogEntryEntity } from './data-log/data-log-entry.entity';
import { DatasourceEntity } from './datasources/datasource.entity';

export const AGENT_SCHEMA: ProfileSchema = {
  entities: [DatasourceEntity, DataLogEntryEntity, ConnectionConfigEntity],
  migrations: AGENT_MIGRATIONS,
};
