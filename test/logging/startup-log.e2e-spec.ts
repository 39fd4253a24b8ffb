import { spawnProfile, type ProfileProcess } from '../utils/spawn-profile';

/** pino levels: 30 info, 20 debug. */
const INFO = 30;

describe('start-up log', () => {
  let process: ProfileProcess | undefined;
  afterEach(async () => {
    await process?.release();
    process = undefined;
  });

  it.each(['relay', 'agent'] as const)(
    'the %s says a handful of things at info, Nest route mapping only at debug',
    async (profile) => {
      process = await spawnProfile(profile, {
        env: { ADMIN_PASSWORD: 'a long enough admin password', LOG_LEVEL: 'debug' },
      });
      const info = process.logs.filter((line) => line.level === INFO);
      expect(info.length).toBeLessThanOrEqual(12);
      expect(info.map((line) => line.context)).not.toContain('RouterExplorer');
      const debug = process.logs.filter((line) => line.level === 20);
      expect(debug.some((line) => line.context === 'RouterExplorer')).toBe(true);
    },
  );
});
