import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One proxied call: who, where, what, how it ended, bytes each way, how long. */
@Entity('transfer_records')
export class TransferRecordEntity {
  /** bigint: read as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('text', { name: 'request_id' })
  requestId: string;

  @Column('text', { name: 'principal_type' })
  principalType: string;

  @Column('uuid', { name: 'principal_id' })
  principalId: string;

  @Column('text', { name: 'principal_name' })
  principalName: string;

  @Column('uuid', { name: 'agent_id' })
  agentId: string;

  @Column('text')
  datasource: string;

  @Column('text')
  operation: string;

  /** The raw path below the datasource, without the query string (it may carry secrets). */
  @Column('text', { nullable: true })
  path: string | null;

  @Column('smallint')
  status: number;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column('bigint', { name: 'bytes_in' })
  bytesIn: string;

  @Column('bigint', { name: 'bytes_out' })
  bytesOut: string;

  @Column('integer', { name: 'duration_ms' })
  durationMs: number;

  @Column('text', { name: 'content_type', nullable: true })
  contentType: string | null;
}

/** A record as written (the database assigns the id). */
export type NewTransferRecord = Omit<TransferRecordEntity, 'id' | 'bytesIn' | 'bytesOut'> & {
  bytesIn: number;
  bytesOut: number;
};
