import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per proxied call. No foreign keys: records outlive the agents and principals they
 * name, and inserts stay cheap.
 */
export class CreateTransferRecords1764150000300 implements MigrationInterface {
  name = 'CreateTransferRecords1764150000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table transfer_records (
        id bigint generated always as identity primary key,
        started_at timestamptz not null,
        request_id text not null,
        principal_type text not null,
        principal_id uuid not null,
        principal_name text not null,
        agent_id uuid not null,
        datasource text not null,
        operation text not null,
        status smallint not null,
        error_code text,
        bytes_in bigint not null,
        bytes_out bigint not null,
        duration_ms integer not null,
        content_type text
      )`);
    await queryRunner.query(
      `create index transfer_records_started_at_idx on transfer_records (started_at)`,
    );
    await queryRunner.query(
      `create index transfer_records_agent_idx on transfer_records (agent_id, started_at)`,
    );
    await queryRunner.query(
      `create index transfer_records_principal_idx on transfer_records (principal_id, started_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table transfer_records`);
  }
}
