import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDatasources1764140000100 implements MigrationInterface {
  name = 'CreateDatasources1764140000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table datasources (
        id uuid primary key default gen_random_uuid(),
        name varchar(63) not null,
        type varchar(16) not null,
        description varchar(500),
        enabled boolean not null default true,
        config jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint uq_datasources_name unique (name),
        constraint ck_datasources_name check (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        constraint ck_datasources_type check (type in ('http', 'postgres', 'file'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table datasources');
  }
}
