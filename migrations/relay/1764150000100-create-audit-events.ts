import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only, hash-chained audit log. A trigger refuses every UPDATE and TRUNCATE, and
 * every DELETE except inside a transaction that set `intrabridge.audit_retention = 'on'` (the
 * retention sweep). Whoever can bypass the trigger (a database owner) can still alter rows,
 * which is what the hash chain detects.
 */
export class CreateAuditEvents1764150000100 implements MigrationInterface {
  name = 'CreateAuditEvents1764150000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table audit_events (
        seq bigint primary key,
        occurred_at timestamptz not null,
        actor_type text not null,
        actor_id text,
        actor_name text,
        actor_ip text,
        action text not null,
        target_type text,
        target_id text,
        outcome text not null,
        request_id text,
        details jsonb,
        prev_hash text not null,
        hash text not null,
        constraint audit_events_seq_positive check (seq > 0),
        constraint audit_events_outcome_known check (outcome in ('success', 'failure', 'denied'))
      )`);
    await queryRunner.query(
      `create index audit_events_occurred_at_idx on audit_events (occurred_at)`,
    );
    await queryRunner.query(`create index audit_events_action_idx on audit_events (action, seq)`);
    await queryRunner.query(
      `create index audit_events_actor_id_idx on audit_events (actor_id, seq)`,
    );
    await queryRunner.query(
      `create index audit_events_actor_name_idx on audit_events (actor_name, seq)`,
    );
    await queryRunner.query(
      `create index audit_events_target_id_idx on audit_events (target_id, seq)`,
    );

    await queryRunner.query(`
      create function audit_events_append_only() returns trigger
      language plpgsql as $$
      begin
        if tg_op = 'DELETE' and current_setting('intrabridge.audit_retention', true) = 'on' then
          return old;
        end if;
        raise exception 'audit_events is append-only (% refused)', tg_op
          using errcode = 'insufficient_privilege';
      end
      $$`);
    await queryRunner.query(`
      create trigger audit_events_append_only
        before update or delete on audit_events
        for each row execute function audit_events_append_only()`);
    await queryRunner.query(`
      create trigger audit_events_no_truncate
        before truncate on audit_events
        for each statement execute function audit_events_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table audit_events`);
    await queryRunner.query(`drop function audit_events_append_only()`);
  }
}
