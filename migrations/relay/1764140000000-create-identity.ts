import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, refresh tokens, API keys, agents and grants. Credentials are stored only as hashes.
 * `token_generation` on users and agents is bumped to invalidate every token issued before.
 */
export class CreateIdentity1764140000000 implements MigrationInterface {
  name = 'CreateIdentity1764140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table users (
        id uuid primary key default gen_random_uuid(),
        username text not null,
        display_name text,
        password_hash text not null,
        roles text[] not null default '{}',
        enabled boolean not null default true,
        token_generation integer not null default 1,
        password_changed_at timestamptz not null default now(),
        last_login_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint users_roles_known
          check (roles <@ array['admin', 'operator', 'auditor', 'client']::text[])
      )`);
    await queryRunner.query(`create unique index users_username_key on users (lower(username))`);
    await queryRunner.query(`create index users_created_at_idx on users (created_at, id)`);

    await queryRunner.query(`
      create table refresh_tokens (
        id uuid primary key default gen_random_uuid(),
        user_id uuid not null references users (id) on delete cascade,
        family_id uuid not null,
        token_hash text not null,
        token_generation integer not null,
        expires_at timestamptz not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await queryRunner.query(
      `create unique index refresh_tokens_token_hash_key on refresh_tokens (token_hash)`,
    );
    await queryRunner.query(
      `create index refresh_tokens_family_id_idx on refresh_tokens (family_id)`,
    );
    await queryRunner.query(`create index refresh_tokens_user_id_idx on refresh_tokens (user_id)`);
    await queryRunner.query(
      `create index refresh_tokens_expires_at_idx on refresh_tokens (expires_at)`,
    );

    await queryRunner.query(`
      create table api_keys (
        id uuid primary key default gen_random_uuid(),
        user_id uuid not null references users (id) on delete cascade,
        name text not null,
        prefix text not null,
        key_hash text not null,
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz not null default now()
      )`);
    await queryRunner.query(`create unique index api_keys_prefix_key on api_keys (prefix)`);
    await queryRunner.query(`create index api_keys_user_id_idx on api_keys (user_id, created_at)`);

    await queryRunner.query(`
      create table agents (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        description text,
        enabled boolean not null default true,
        secret_hash text not null,
        token_generation integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        last_seen_at timestamptz
      )`);
    await queryRunner.query(`create unique index agents_name_key on agents (lower(name))`);

    await queryRunner.query(`
      create table grants (
        id uuid primary key default gen_random_uuid(),
        user_id uuid references users (id) on delete cascade,
        api_key_id uuid references api_keys (id) on delete cascade,
        agent_id uuid not null references agents (id) on delete cascade,
        datasource text not null,
        operations text[] not null,
        expires_at timestamptz,
        created_by uuid references users (id) on delete set null,
        created_at timestamptz not null default now(),
        constraint grants_one_subject check ((user_id is null) <> (api_key_id is null)),
        constraint grants_operations_present check (cardinality(operations) > 0)
      )`);
    await queryRunner.query(`create index grants_user_id_idx on grants (user_id)`);
    await queryRunner.query(`create index grants_api_key_id_idx on grants (api_key_id)`);
    await queryRunner.query(`create index grants_agent_id_idx on grants (agent_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table grants`);
    await queryRunner.query(`drop table agents`);
    await queryRunner.query(`drop table api_keys`);
    await queryRunner.query(`drop table refresh_tokens`);
    await queryRunner.query(`drop table users`);
  }
}
