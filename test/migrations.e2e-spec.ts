import { DataSource } from 'typeorm';
import { AGENT_MIGRATIONS } from '../migrations/agent';
import { RELAY_MIGRATIONS } from '../migrations/relay';
import { startAgent, startRelay } from './utils/test-apps';
import { provisionTestDatabase } from './utils/test-database';

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

  it('with MIGRATIONS_RUN=false, refuses a database with pending migrations and serves a migrated one', async () => {
    const database = await provisionTestDatabase();
    try {
      await expect(start({ ...database.env, MIGRATIONS_RUN: 'false' })).rejects.toThrow(
        /migration\(s\) pending[\s\S]*MIGRATIONS_RUN=false/,
      );
      const migrated = await start({ ...database.env });
      await migrated.close();
      const running = await start({ ...database.env, MIGRATIONS_RUN: 'false' });
      try {
        const ready = await fetch(`${running.url}/readyz`);
        const body = (await ready.json()) as { checks?: object; details?: object };
        // (An agent without a relay is not ready for that reason alone.)
        expect(body.checks ?? body.details).toMatchObject({ database: { ok: true } });
      } finally {
        await running.close();
      }
    } finally {
      await database.release();
    }
  });
});
