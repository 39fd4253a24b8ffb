import { CreateDatasources1764140000100 } from './1764140000100-create-datasources';
import { CreateDataLog1764140000200 } from './1764140000200-create-data-log';
import { CreateConnectionConfig1764140000300 } from './1764140000300-create-connection-config';
import { SlimDataLog1764170000000 } from './1764170000000-slim-data-log';

/** Agent migrations in the order they apply. Generated files are added here, never edited. */
export const AGENT_MIGRATIONS = [
  CreateDatasources1764140000100,
  CreateDataLog1764140000200,
  CreateConnectionConfig1764140000300,
  SlimDataLog1764170000000,
];
