import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The agent's relay connection settings: a single row (id 1). */
@Entity({ name: 'connection_config' })
export class ConnectionConfigEntity {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ name: 'relay_url', type: 'varchar', length: 2048, nullable: true })
  relayUrl: string | null;

  @Column({ name: 'agent_id', type: 'varchar', length: 200, nullable: true })
  agentId: string | null;

  /** Kept as is: the agent presents it to the relay. Never returned by the API. */
  @Column({ name: 'agent_secret', type: 'text', nullable: true })
  agentSecret: string | null;

  @Column({ name: 'tls_ca_file', type: 'text', nullable: true })
  tlsCaFile: string | null;

  @Column({ name: 'tls_reject_unauthorized', type: 'boolean', default: true })
  tlsRejectUnauthorized: boolean;

  @Column({ name: 'reconnect_initial_delay_ms', type: 'integer' })
  reconnectInitialDelayMs: number;

  @Column({ name: 'reconnect_max_delay_ms', type: 'integer' })
  reconnectMaxDelayMs: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
