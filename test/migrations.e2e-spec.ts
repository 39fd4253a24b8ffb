import { DataSource } from 'typeorm';
import { AGENT_MIGRATIONS } from '../migrations/agent';
import { RELAY_MIGRATIONS } from '../migrations/relay';
import { startAgent, startRelay } from './utils/test-apps';

describe.each([
  ['relay', startRelay, RELAY_MIGRATIONS],
  ['agent', startAgent, AGENT_MIGRATIONS],
])('%s migrations', (_profile, start, migrations: Array<{ name: string }>) => {
  it('applies every migration to an empty database at start-up', async () => {
    const running = await start();
    try {
      const dataSource = running.app.get(DataSource);
      const rows: Array<{ name: string }> = await dataSource.query(
        'select name from schema_migrations order by id',
      );
      expect(rows.map((row) => row.name)).toEqual(migrations.map((m) => m.name));
      expect(await dataSource.showMigrations()).toBe(false);
    } finally {
      await running.close();
    }
  });

  it('leaves the database alone when MIGRATIONS_RUN=false', async () => {
    const running = await start({ MIGRATIONS_RUN: 'false' });
    try {
      const dataSource = running.app.get(DataSource);
      const [{ exists }] = await dataSource.query(
        "select to_regclass('schema_migrations') is not null as exists",
      );
      expect(exists).toBe(false);
    } finally {
      await running.close();
    }
  });
});
