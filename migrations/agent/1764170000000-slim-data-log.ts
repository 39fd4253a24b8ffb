import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer bytes per data-log row: the btree on `at` becomes a BRIN index (rows arrive in time
 * order, so a few bytes per thousand rows do), the one on `request_id` a hash index (looked up
 * by equality only; a hash entry is a quarter of a 36-character text key), and the one on
 * `(datasource, id)` goes: a datasource filter walks the short retention window by id.
 */
export class SlimDataLog1764170000000 implements MigrationInterface {
  name = 'SlimDataLog1764170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index ix_data_log_at');
    await queryRunner.query('drop index ix_data_log_request_id');
    await queryRunner.query('drop index ix_data_log_datasource_id');
    await queryRunner.query('create index ix_data_log_at_brin on data_log using brin (at)');
    await queryRunner.query(
      'create index ix_data_log_request_id_hash on data_log using hash (request_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index ix_data_log_request_id_hash');
    await queryRunner.query('drop index ix_data_log_at_brin');
    await queryRunner.query('create index ix_data_log_at on data_log (at)');
    await queryRunner.query('create index ix_data_log_request_id on data_log (request_id)');
    await queryRunner.query('create index ix_data_log_datasource_id on data_log (datasource, id)');
  }
}
