import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DatasourceCatalogEntry } from '../../shared/protocol';

@Entity('agent_catalogs')
export class AgentCatalogEntity {
  @PrimaryColumn('uuid', { name: 'agent_id' })
  agentId: string;

  @Column('jsonb')
  catalog: DatasourceCatalogEntry[];

  @Column('timestamptz', { name: 'reported_at' })
  reportedAt: Date;
}
