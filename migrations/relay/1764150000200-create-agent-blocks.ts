import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Agents refused at the tunnel upgrade until a time, after an operator kicked them. */
export class CreateAgentBlocks1764150000200 implements MigrationInterface {
  name = 'CreateAgentBlocks1764150000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table agent_blocks (
        agent_id uuid primary key references agents (id) on delete cascade,
        blocked_until timestamptz not null,
        reason text,
        created_by uuid references users (id) on delete set null,
        created_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table agent_blocks`);
  }
}
