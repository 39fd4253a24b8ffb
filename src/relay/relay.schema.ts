import { RELAY_MIGRATIONS } from '../../migrations/relay';
import type { ProfileSchema } from '../shared/database/data-source-options';
import { AgentEntity } from './agents/agent.entity';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { RefreshTokenEntity } from './auth/refresh-token.entity';
import { GrantEntity } from './grants/grant.entity';
import { UserEntity } from './users/user.entity';
import { AuditEventEntity } from './audit/audit-event.entity';
import { AgentBlockEntity } from './connections/agent-block.entity';
import { IpRuleEntity } from './security/ip-rules/ip-rule.entity';
import { RateLimitEntity } from './security/rate-limits/rate-limit.entity';
import { TransferRecordEntity } from './transfer-stats/transfer-record.entity';
import { AgentCatalogEntity } from './catalog/agent-catalog.entity';

export const RELAY_SCHEMA: ProfileSchema = {
  entities: [
    UserEntity,
    RefreshTokenEntity,
    ApiKeyEntity,
    AgentEntity,
    GrantEntity,
    // Relay operations
    IpRuleEntity,
    RateLimitEntity,
    AuditEventEntity,
    AgentBlockEntity,
    TransferRecordEntity,
    // Tunnel
    AgentCatalogEntity,
  ],
  migrations: RELAY_MIGRATIONS,
};
