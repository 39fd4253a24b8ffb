import { RELAY_MIGRATIONS } from '../../migrations/relay';
import type { ProfileSchema } from '../shared/database/data-source-options';
import { AgentEntity } from './agents/agent.entity';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { RefreshTokenEntity } from './auth/refresh-token.entity';
import { GrantEntity } from './grants/grant.entity';
import { UserEntity } from './users/user.entity';

export const RELAY_SCHEMA: ProfileSchema = {
  entities: [UserEntity, RefreshTokenEntity, ApiKeyEntity, AgentEntity, GrantEntity],
  migrations: RELAY_MIGRATIONS,
};
