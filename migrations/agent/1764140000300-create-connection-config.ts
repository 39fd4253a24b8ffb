import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateConnectionConfig1764140000300 implements MigrationInterface {
  name = 'CreateConnectionConfig1764140000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table connection_config (
        id smallint primary key,
        relay_url varchar(2048),
        agent_id varchar(200),
        agent_secret text,
        tls_ca_file text,
        tls_reject_unauthorized boolean not null default true,
        reconnect_initial_delay_ms integer not null,
        reconnect_max_delay_ms integer not null,
        updated_at timestamptz not null default now(),
        constraint ck_connection_config_single_row check (id = 1)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table connection_config');
  }
}
