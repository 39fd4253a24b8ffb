import { CreateIdentity1764140000000 } from './1764140000000-create-identity';
import { CreateSecurityControl1764150000000 } from './1764150000000-create-security-control';
import { CreateAuditEvents1764150000100 } from './1764150000100-create-audit-events';
import { CreateAgentBlocks1764150000200 } from './1764150000200-create-agent-blocks';
import { CreateTransferRecords1764150000300 } from './1764150000300-create-transfer-records';
import { CreateAgentCatalogs1764160000000 } from './1764160000000-create-agent-catalogs';
import { CreateTransferRollups1764170000000 } from './1764170000000-create-transfer-rollups';
import { AddTransferRecordPath1764170000100 } from './1764170000100-add-transfer-record-path';

/** Relay migrations in the order they apply. Generated files are added here, never edited. */
export const RELAY_MIGRATIONS = [
  CreateIdentity1764140000000,
  CreateSecurityControl1764150000000,
  CreateAuditEvents1764150000100,
  CreateAgentBlocks1764150000200,
  CreateTransferRecords1764150000300,
  CreateAgentCatalogs1764160000000,
  CreateTransferRollups1764170000000,
  AddTransferRecordPath1764170000100,
];
