import { RELAY_MIGRATIONS } from '../../migrations/relay';
import type { ProfileSchema } from '../shared/database/data-source-options';

export const RELAY_SCHEMA: ProfileSchema = {
  entities: [],
  migrations: RELAY_MIGRATIONS,
};
