import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

const bigintAsNumber = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? 0 : Number(value)),
};

/**
 * One served call, as the data log keeps it. Its indexes (BRIN on `at`, hash on `request_id`)
 * live in the migrations: TypeORM's decorators cannot say `using brin` or `using hash`.
 */
@Entity({ name: 'data_log' })
export class DataLogEntryEntity {
  /** Insertion order; the list's keyset cursor. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** When the call arrived. */
  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  @Column({ type: 'varchar', length: 63 })
  datasource: string;

  /** `GET /path` for http and file sources, `query <name>` for SQL. */
  @Column({ type: 'varchar', length: 1024 })
  operation: string;

  @Column({ name: 'principal_type', type: 'varchar', length: 16 })
  principalType: string;

  @Column({ name: 'principal_id', type: 'varchar', length: 128 })
  principalId: string;

  @Column({ name: 'principal_name', type: 'varchar', length: 200 })
  principalName: string;

  @Column({ type: 'smallint' })
  status: number;

  @Column({ name: 'bytes_in', type: 'bigint', transformer: bigintAsNumber })
  bytesIn: number;

  @Column({ name: 'bytes_out', type: 'bigint', transformer: bigintAsNumber })
  bytesOut: number;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;
}

export type DataLogRecord = Omit<DataLogEntryEntity, 'id'>;
