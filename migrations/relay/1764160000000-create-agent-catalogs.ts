import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The last datasource catalog each agent announced, so it is known while the agent is offline. */
export class CreateAgentCatalogs1764160000000 implements MigrationInterface {
  name = 'CreateAgentCatalogs1764160000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table agent_catalogs (
        agent_id uuid primary key references agents(id) on delete cascade,
        catalog jsonb not null,
        reported_at timestamptz not null default now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table agent_catalogs');
  }
}
