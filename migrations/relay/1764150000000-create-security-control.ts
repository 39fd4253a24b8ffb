import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IP allow/deny rules (global, or for one user or API key) and per-principal rate-limit
 * overrides. Both go with the user or key they name.
 */
export class CreateSecurityControl1764150000000 implements MigrationInterface {
  name = 'CreateSecurityControl1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table ip_rules (
        id uuid primary key default gen_random_uuid(),
        action text not null,
        cidr cidr not null,
        scopes text[] not null,
        user_id uuid references users (id) on delete cascade,
        api_key_id uuid references api_keys (id) on delete cascade,
        priority integer not null default 100,
        note text,
        enabled boolean not null default true,
        created_by uuid references users (id) on delete set null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint ip_rules_action_known check (action in ('allow', 'deny')),
        constraint ip_rules_scopes_known
          check (cardinality(scopes) > 0 and scopes <@ array['proxy', 'admin', 'tunnel']::text[]),
        constraint ip_rules_one_subject check (user_id is null or api_key_id is null),
        constraint ip_rules_priority_range check (priority between 0 and 1000000)
      )`);
    await queryRunner.query(`create index ip_rules_user_id_idx on ip_rules (user_id)`);
    await queryRunner.query(`create index ip_rules_api_key_id_idx on ip_rules (api_key_id)`);

    await queryRunner.query(`
      create table rate_limits (
        id uuid primary key default gen_random_uuid(),
        user_id uuid references users (id) on delete cascade,
        api_key_id uuid references api_keys (id) on delete cascade,
        max_requests integer not null,
        window_seconds integer not null,
        note text,
        created_by uuid references users (id) on delete set null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint rate_limits_one_subject check ((user_id is null) <> (api_key_id is null)),
        constraint rate_limits_max_requests_range check (max_requests between 1 and 10000000),
        constraint rate_limits_window_range check (window_seconds between 1 and 86400)
      )`);
    await queryRunner.query(
      `create unique index rate_limits_user_id_key on rate_limits (user_id) where user_id is not null`,
    );
    await queryRunner.query(
      `create unique index rate_limits_api_key_id_key on rate_limits (api_key_id) where api_key_id is not null`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table rate_limits`);
    await queryRunner.query(`drop table ip_rules`);
  }
}
