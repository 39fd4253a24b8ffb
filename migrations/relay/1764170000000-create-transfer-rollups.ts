import type { MigrationInterface, QueryRunner } from 'typeorm';

const ROLLUP_COLUMNS = `
  id bigint generated always as identity primary key,
  bucket_start timestamptz not null,
  agent_id uuid not null,
  datasource text not null,
  principal_type text not null,
  principal_id uuid not null,
  principal_name text not null,
  status_class smallint not null,
  content_type text not null,
  calls integer not null,
  bytes_in bigint not null,
  bytes_out bigint not null,
  duration_sum bigint not null,
  duration_max integer not null,
  sketch integer[] not null`;

const ROLLUP_KEY =
  'bucket_start, agent_id, datasource, principal_type, principal_id, status_class, content_type';

/**
 * Per-minute and per-hour rollups of the transfer records, kept far longer than the per-call
 * rows; the statistics API reads them. `sketch` is a log-bucket latency histogram
 * (src/shared/database/latency-sketch.ts), summed index by index by `intrabridge_sketch_add`
 * (an upsert) and `intrabridge_sketch_sum` (an aggregate). `content_type` is '' for none, so
 * the unique key treats it as a value. The per-call table loses its two wide btree indexes:
 * aggregates no longer read it, and a BRIN index on `started_at` costs a few bytes per
 * thousand rows where a btree costs 20-40 bytes per row.
 */
export class CreateTransferRollups1764170000000 implements MigrationInterface {
  name = 'CreateTransferRollups1764170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create function intrabridge_sketch_add(a bigint[], b integer[]) returns bigint[]
        language sql immutable parallel safe as $$
          select coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) order by i), '{}')
            from generate_series(1, greatest(cardinality(a), cardinality(b))) as i
        $$`);
    await queryRunner.query(`
      create aggregate intrabridge_sketch_sum(integer[]) (
        sfunc = intrabridge_sketch_add, stype = bigint[], initcond = '{}', parallel = safe)`);
    for (const span of ['minute', 'hour']) {
      await queryRunner.query(`create table transfer_rollups_${span} (${ROLLUP_COLUMNS})`);
      await queryRunner.query(
        `create unique index transfer_rollups_${span}_key on transfer_rollups_${span} (${ROLLUP_KEY})`,
      );
    }
    await queryRunner.query(`drop index transfer_records_started_at_idx`);
    await queryRunner.query(`drop index transfer_records_agent_idx`);
    await queryRunner.query(`drop index transfer_records_principal_idx`);
    await queryRunner.query(
      `create index transfer_records_started_at_brin on transfer_records using brin (started_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop index transfer_records_started_at_brin`);
    await queryRunner.query(
      `create index transfer_records_started_at_idx on transfer_records (started_at)`,
    );
    await queryRunner.query(
      `create index transfer_records_agent_idx on transfer_records (agent_id, started_at)`,
    );
    await queryRunner.query(
      `create index transfer_records_principal_idx on transfer_records (principal_id, started_at)`,
    );
    await queryRunner.query(`drop table transfer_rollups_hour`);
    await queryRunner.query(`drop table transfer_rollups_minute`);
    await queryRunner.query(`drop aggregate intrabridge_sketch_sum(integer[])`);
    await queryRunner.query(`drop function intrabridge_sketch_add(bigint[], integer[])`);
  }
}
