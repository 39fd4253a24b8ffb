import { provisionTestDatabase } from '../utils/test-database';
import { login } from '../utils/identity';
import { spawnProfile, type ProfileProcess } from '../utils/spawn-profile';

/** First start with an empty user table: the admin comes from the environment or is generated. */
describe('first admin bootstrap', () => {
  let relay: ProfileProcess | undefined;

  afterEach(async () => {
    await relay?.release();
    relay = undefined;
  });

  const allLogText = (process: ProfileProcess) =>
    [...process.logs.map((line) => JSON.stringify(line)), ...process.stderr].join('\n');

  it('creates the admin from ADMIN_USERNAME and ADMIN_PASSWORD, never logging the password', async () => {
    const password = 'the configured admin password';
    relay = await spawnProfile('relay', {
      env: { ADMIN_USERNAME: 'root.admin', ADMIN_PASSWORD: password },
    });
    const session = await login(relay.url, 'root.admin', password);
    expect(session.status).toBe(200);
    expect(
      relay.logs.some(
        (line) => line.msg === 'created the first admin from ADMIN_USERNAME/ADMIN_PASSWORD',
      ),
    ).toBe(true);
    expect(allLogText(relay)).not.toContain(password);
    expect(allLogText(relay)).not.toContain(session.body.refreshToken);
  });

  it('generates a password when none is set and logs it exactly once', async () => {
    const database = await provisionTestDatabase();
    try {
      relay = await spawnProfile('relay', { database });
      const line = relay.logs.find((entry) => String(entry.msg).includes('generated password'));
      expect(line).toMatchObject({ level: 40 });
      const password = /generated password: (\S+)/.exec(String(line?.msg))?.[1] ?? '';
      expect(password).toMatch(/^[\w-]{24}$/);
      expect((await login(relay.url, 'admin', password)).status).toBe(200);
      const mentions = allLogText(relay).split(password).length - 1;
      expect(mentions).toBe(1);
      await relay.stop();

      // A second start finds the admin and neither creates nor prints anything.
      relay = await spawnProfile('relay', { database });
      expect(relay.logs.some((entry) => String(entry.msg).includes('first admin'))).toBe(false);
      expect(allLogText(relay)).not.toContain(password);
      expect((await login(relay.url, 'admin', password)).status).toBe(200);
    } finally {
      await relay?.release();
      relay = undefined;
      await database.release();
    }
  });

  describe('in production', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(20) + 'Q'.repeat(20) };

    it('refuses a first start without ADMIN_PASSWORD instead of logging a generated one', async () => {
      const attempt = spawnProfile('relay', { env: production });
      await expect(attempt).rejects.toThrow(
        /exited with 1: intrabridge: Invalid configuration:\n {2}- ADMIN_PASSWORD must be set in production/,
      );
    });

    it('creates the admin from ADMIN_PASSWORD and keeps it out of the logs', async () => {
      const password = 'production admin password';
      relay = await spawnProfile('relay', { env: { ...production, ADMIN_PASSWORD: password } });
      expect((await login(relay.url, 'admin', password)).status).toBe(200);
      expect(allLogText(relay)).not.toContain(password);
    });
  });
});
