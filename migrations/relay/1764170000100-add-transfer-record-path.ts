import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The path of each call (without its query string), so refusals and errors say where. */
export class AddTransferRecordPath1764170000100 implements MigrationInterface {
  name = 'AddTransferRecordPath1764170000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('alter table transfer_records add column path text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('alter table transfer_records drop column path');
  }
}
