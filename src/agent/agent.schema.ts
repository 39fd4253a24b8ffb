import { AGENT_MIGRATIONS } from '../../migrations/agent';
import type { ProfileSchema } from '../shared/database/data-source-options';

export const AGENT_SCHEMA: ProfileSchema = {
  entities: [],
  migrations: AGENT_MIGRATIONS,
};
